package dev.cistern.uploader.s3;

import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.HttpStatusClass;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns SDK exceptions into retryable or permanent failures. 408, 429 and 5xx are retryable, and
 * so are the 4xx codes that describe a passing problem (a body damaged in transit, a slow
 * client, an expired session token, clock skew, a multipart upload that went away); any other
 * 4xx is permanent (403 AccessDenied and InvalidAccessKeyId, 400 InvalidArgument, 404 NoSuchBucket, ...).
 */
final class S3Failures {
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "RequestTimeout", "BadDigest", "IncompleteBody", "XAmzContentSHA256Mismatch", "XAmzContentChecksumMismatch",
            "InvalidChunkSizeError", "SlowDown", "InternalError", "ServiceUnavailable", "OperationAborted",
            "ExpiredToken", "TokenRefreshRequired", "RequestTimeTooSkewed", "RequestExpired", "NoSuchUpload",
            // Over plain HTTP the SDK signs each chunk of the body, so a body damaged in transit
            // shows up as a signature mismatch rather than BadDigest.
            "SignatureDoesNotMatch");

    private S3Failures() {}

    static DestinationException classify(Throwable e, String where) {
        if (e instanceof DestinationException d) return d;
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String text = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
            String message = "S3 answered HTTP " + status + (code == null ? "" : " " + code)
                    + (text == null || text.isBlank() ? "" : ": " + text) + " for " + where;
            boolean retryable = HttpStatusClass.retryable(status) || (code != null && RETRYABLE_CODES.contains(code));
            return retryable ? DestinationException.retryable(message, status, e) : DestinationException.permanent(message, status, e);
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return DestinationException.retryable("S3 did not answer in time for " + where + " (" + e.getMessage() + ")", 0, e);
        }
        if (e instanceof AbortedException) {
            return DestinationException.retryable("upload of " + where + " was interrupted", 0, e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
            return DestinationException.retryable("no AWS credentials for " + where + ": the SDK's default chain found none "
                    + "(set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance or container role)", 0, e);
        }
        if (e instanceof SdkClientException) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String cause = root == e ? e.getMessage() : root.getClass().getSimpleName() + ": " + root.getMessage();
            return DestinationException.retryable("cannot reach S3 for " + where + ": " + cause, 0, e);
        }
        return DestinationException.retryable(e.getClass().getSimpleName() + " uploading " + where + ": " + e.getMessage(), 0, e);
    }
}
