package dev.cistern.agent.ndjson;

import dev.cistern.spool.JsonLines;

/**
 * RFC 3339 date-times ({@code 2025-11-22T02:00:00.123+01:00}) to epoch milliseconds, read from the
 * characters Jackson holds for a string: no String, no java.time objects per row. The offset is
 * required ({@code Z} or {@code ±HH:MM}): a local time names no instant. {@code t}, {@code z} and a
 * space for {@code T} are taken (RFC 3339 5.6 allows them); fractions of any length are cut to the
 * millisecond; a leap second {@code :60} counts as the next second, as POSIX time does.
 */
final class Rfc3339 {
    private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

    private Rfc3339() {}

    /** The instant in epoch milliseconds, or {@link JsonLines#BAD_TIME}. */
    static long millis(char[] c, int off, int len) {
        int end = off + len;
        if (len < 20) return JsonLines.BAD_TIME; // YYYY-MM-DDTHH:MM:SSZ
        int year = digits(c, off, 4);
        int month = digits(c, off + 5, 2);
        int day = digits(c, off + 8, 2);
        int hour = digits(c, off + 11, 2);
        int minute = digits(c, off + 14, 2);
        int second = digits(c, off + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 60) {
            return JsonLines.BAD_TIME;
        }
        char t = c[off + 10];
        if (c[off + 4] != '-' || c[off + 7] != '-' || (t != 'T' && t != 't' && t != ' ') || c[off + 13] != ':'
                || c[off + 16] != ':') {
            return JsonLines.BAD_TIME;
        }
        int i = off + 19;
        int millis = 0;
        if (c[i] == '.') {
            int first = ++i;
            while (i < end && c[i] >= '0' && c[i] <= '9') {
                if (i - first < 3) millis = millis * 10 + (c[i] - '0');
                i++;
            }
            if (i == first) return JsonLines.BAD_TIME;
            for (int k = i - first; k < 3; k++) millis *= 10;
        }
        int offsetMinutes;
        if (i == end - 1 && (c[i] == 'Z' || c[i] == 'z')) {
            offsetMinutes = 0;
        } else if (i == end - 6 && (c[i] == '+' || c[i] == '-') && c[i + 3] == ':') {
            int oh = digits(c, i + 1, 2);
            int om = digits(c, i + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) return JsonLines.BAD_TIME;
            offsetMinutes = (c[i] == '-' ? -1 : 1) * (oh * 60 + om);
        } else {
            return JsonLines.BAD_TIME;
        }
        long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + (minute - offsetMinutes) * 60L + second;
        return seconds * 1000 + millis;
    }

    /** The value of {@code n} ASCII digits, or -1 if one is not a digit. */
    private static int digits(char[] c, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            char d = c[i];
            if (d < '0' || d > '9') return -1;
            v = v * 10 + (d - '0');
        }
        return v;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> leap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean leap(int year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years 0-9999). */
    static long epochDay(int year, int month, int day) {
        long days = 365L * (year - 1970);
        // leap days between 1970 and the start of the year (counted from year 0 on both sides)
        days += leapDaysBefore(year) - leapDaysBefore(1970);
        days += DAYS_BEFORE_MONTH[month - 1] + (month > 2 && leap(year) ? 1 : 0);
        return days + day - 1;
    }

    /** Leap years in [0, year). */
    private static long leapDaysBefore(int year) {
        if (year <= 0) return 0;
        long y = year - 1;
        return y / 4 - y / 100 + y / 400 + 1; // + year 0, itself a leap year
    }
}
