package dev.cistern.uploader.s3;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Uploads as an IAM role: the SDK's STS provider assumes it with the base credentials (the default
 * chain) and refreshes the session before it expires. {@code stsEndpoint} may be null (AWS's).
 */
public record AssumedRole(String roleArn, String sessionName, String externalId, URI stsEndpoint) {
    public AssumedRole {
        if (roleArn == null || !roleArn.startsWith("arn:")) {
            throw new IllegalArgumentException("role '" + roleArn + "' is not an ARN (arn:aws:iam::ACCOUNT:role/NAME)");
        }
        if (sessionName == null || sessionName.isBlank()) sessionName = "cistern";
    }

    AwsCredentialsProvider provider(Region region, AwsCredentialsProvider base) {
        StsClientBuilder sts = StsClient.builder().region(region).credentialsProvider(base)
                .httpClient(UrlConnectionHttpClient.create());
        if (stsEndpoint != null) sts.endpointOverride(stsEndpoint);
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts.build())
                .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(sessionName).externalId(externalId))
                .build();
    }
}
