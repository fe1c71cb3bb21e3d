package dev.cistern.cli.house;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks themselves, on small made-up files: each finds the break it is for and nothing else. */
class HouseRulesTest {

    static JavaSource file(String module, String pkg, String name, String body) {
        String path = module + "/src/main/java/" + pkg.replace('.', '/') + "/" + name + ".java";
        return new JavaSource(path, module, "package " + pkg + ";\n" + body);
    }

    static String method(String name, int bodyLines, String before) {
        StringBuilder s = new StringBuilder(before).append("    void ").append(name).append("() {\n");
        for (int i = 0; i < bodyLines; i++) {
            s.append("        x++;\n");
        }
        return s.append("    }\n").toString();
    }

    @Test
    void siblingsThatImportEachOtherAreNamed() {
        List<JavaSource> tree = List.of(
                file("agent", "dev.cistern.agent.http", "A", "import dev.cistern.agent.ingest.B;\nclass A {}\n"),
                file("agent", "dev.cistern.agent.ingest", "B", "import dev.cistern.agent.http.A;\nclass B {}\n"),
                file("agent", "dev.cistern.agent", "Agent", "import dev.cistern.agent.http.A;\nclass Agent {}\n"));
        List<String> found = HouseRules.siblingCycles(tree);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("dev.cistern.agent.http and dev.cistern.agent.ingest"), found.get(0));
    }

    @Test
    void aParentNamingItsSubpackagesAndBackIsNoSiblingCycle() {
        List<JavaSource> tree = List.of(
                file("uploader", "dev.cistern.uploader", "Uploader", "import dev.cistern.uploader.internal.D;\nclass Uploader {}\n"),
                file("uploader", "dev.cistern.uploader.internal", "D", "import dev.cistern.uploader.Uploader;\nclass D {}\n"));
        assertEquals(List.of(), HouseRules.packageRules(tree));
    }

    @Test
    void oneWayRulesNameTheFileAndLine() {
        List<JavaSource> tree = List.of(
                file("agent", "dev.cistern.agent.http", "H", "\nimport dev.cistern.agent.remotewrite.R;\nclass H {}\n"),
                file("agent", "dev.cistern.agent.routing", "Router", "class Router { dev.cistern.agent.metrics.M m; }\n"),
                file("agent", "dev.cistern.agent.journal", "J", "import dev.cistern.uploader.Uploader;\nimport dev.cistern.spool.Spool;\nclass J {}\n"),
                file("agent", "dev.cistern.agent.ndjson", "N", "import static dev.cistern.cli.Main.main;\nclass N {}\n"));
        List<String> found = HouseRules.packageRules(tree);
        assertEquals(4, found.size(), found.toString());
        assertTrue(found.contains("agent/src/main/java/dev/cistern/agent/http/H.java:3 names dev.cistern.agent.remotewrite:"
                + " http knows nothing of ingest, remotewrite or apply"), found.toString());
        assertTrue(found.stream().anyMatch(f -> f.contains("Router.java:2 names dev.cistern.agent.metrics")), found.toString());
        assertTrue(found.stream().anyMatch(f -> f.contains("J.java:2 names dev.cistern.uploader")), found.toString());
        assertTrue(found.stream().anyMatch(f -> f.contains("N.java:2 names dev.cistern.cli: the agent module")), found.toString());
    }

    @Test
    void longClassesAreCounted() {
        JavaSource big = file("spool", "dev.cistern.spool", "Big", "class Big {\n" + "\n".repeat(298) + "}\n");
        JavaSource fits = file("spool", "dev.cistern.spool", "Fits", "class Fits {\n" + "\n".repeat(297) + "}\n");
        assertEquals(List.of("spool/src/main/java/dev/cistern/spool/Big.java has 301 lines (at most 300): give a job its own class"),
                HouseRules.longClasses(List.of(big, fits)));
    }

    @Test
    void methodsOver60LinesNeedAReasonOnTheLineBefore() {
        String body = "class C {\n    int x;\n"
                + method("fits", 58, "")
                + method("tooLong", 59, "    /** Javadoc is not a reason. */\n")
                + method("explained", 80, "    // over 60 lines: one state machine, read top to bottom\n    @Deprecated\n")
                + "    Runnable r = new Runnable() {\n" + method("run", 61, "    @Override\n") + "    };\n"
                + "}\n";
        List<String> found = HouseRules.longMethods(List.of(file("cli", "dev.cistern.cli", "C", body)));
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).contains("C.java:65 tooLong has 61 lines"), found.get(0));
        assertTrue(found.get(1).contains("C.java:212 run has 63 lines"), found.get(1));
    }

    @Test
    void bracesInStringsCommentsAndLambdasDoNotEndAMethod() {
        String body = "class C {\n"
                + "    @SuppressWarnings({\"a\", \"b\"})\n"
                + "    void m() throws java.io.IOException {\n"
                + "        String s = \"}}\"; char c = '}'; // }\n"
                + "        /* } */ Runnable r = () -> { if (s.isEmpty()) { c++; } };\n"
                + "        for (int i = 0; i < 2; i++) { new Object() { }; }\n"
                + "    }\n"
                + "    record R(int a) { R { } }\n"
                + "    static { }\n"
                + "}\n";
        List<JavaSource.Method> methods = file("cli", "dev.cistern.cli", "C", body).methods();
        assertEquals("[Method[name=m, line=4, endLine=8], Method[name=R, line=9, endLine=9], Method[name=static, line=10, endLine=10]]",
                methods.toString());
    }

    @Test
    void longLinesAreFound() {
        String ok = "// " + "x".repeat(137);
        String tooLong = "// " + "x".repeat(138);
        List<String> found = HouseRules.longLines(List.of(file("jmh", "dev.cistern.jmh", "L", ok + "\n" + tooLong + "\n")));
        assertEquals(List.of("jmh/src/main/java/dev/cistern/jmh/L.java:3 is 141 characters (at most 140)"), found);
    }

    @Test
    void inlineQualifiedNamesAreFoundUnlessTheSimpleNameIsTaken() {
        String body = "import java.util.List;\nclass Files {\n"
                + "    java.util.Map<String, String> m;\n"                 // 4: import it
                + "    java.awt.List awt;\n"                               // 5: List is taken by the import
                + "    java.nio.file.Files files;\n"                       // 6: Files is this class
                + "    String s = \"java.util.Set\"; // java.util.Set\n"  // 7: a string and a comment
                + "    Object o = dev.cistern.spool.Spool.open(null);\n"   // 8: import it
                + "    java.util.List<String> l;\n"                        // 9: imported already
                + "}\n";
        List<String> found = HouseRules.inlineNames(List.of(file("cli", "dev.cistern.cli", "Files", body)));
        assertEquals(List.of(
                "cli/src/main/java/dev/cistern/cli/Files.java:4 writes java.util.Map inline: import it",
                "cli/src/main/java/dev/cistern/cli/Files.java:8 writes dev.cistern.spool.Spool inline: import it",
                "cli/src/main/java/dev/cistern/cli/Files.java:9 writes java.util.List inline: import it"), found);
    }
}
