package org.arbor.storage.blob;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Where blobs live in object storage, as a hub is told it:
 * {@code s3://bucket/prefix?endpoint=https://minio.internal:9000&region=eu-west-1}. Without an
 * endpoint it is AWS S3 itself (region from the query or the AWS configuration); with one, any
 * S3-compatible store, addressed path-style unless {@code path-style=false}.
 */
public record S3Location(String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {

  public static S3Location parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an s3:// URL: " + text);
    }
    if (!"s3".equals(uri.getScheme()) || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("blobs must be s3://bucket[/prefix][?endpoint=…&region=…]: " + text);
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "");
    String prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
    Map<String, String> query = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("s3 URL options are name=value: " + pair);
        }
        query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    for (String name : query.keySet()) {
      if (!name.equals("endpoint") && !name.equals("region") && !name.equals("path-style")) {
        throw new IllegalArgumentException("unknown s3 URL option " + name + " (endpoint, region, path-style)");
      }
    }
    URI endpoint = query.containsKey("endpoint") ? URI.create(query.get("endpoint")) : null;
    if (endpoint != null && !"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException("the s3 endpoint is an http(s) URL: " + endpoint);
    }
    boolean pathStyle = Boolean.parseBoolean(query.getOrDefault("path-style", endpoint != null ? "true" : "false"));
    return new S3Location(uri.getHost(), prefix, endpoint, query.get("region"), pathStyle);
  }

  public S3Client client(AwsCredentialsProvider credentials) {
    S3ClientBuilder builder = S3Client.builder()
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create())
        .forcePathStyle(pathStyle)
        // Uploads stream from clients and cannot be read twice to compute checksums up front.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (region != null) {
      builder.region(Region.of(region));
    } else if (endpoint != null) {
      builder.region(Region.US_EAST_1);   // S3-compatible stores mostly ignore it, but the signer needs one
    }
    return builder.build();
  }

  /** A presigner of download URLs for this location, with the same credentials. */
  public S3Presigner presigner(AwsCredentialsProvider credentials) {
    S3Presigner.Builder builder = S3Presigner.builder()
        .credentialsProvider(credentials)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (region != null) {
      builder.region(Region.of(region));
    } else if (endpoint != null) {
      builder.region(Region.US_EAST_1);
    }
    return builder.build();
  }

  /** A store at this location: credentials from the standard AWS chain; with {@code direct}, downloads go to the bucket. */
  public S3BlobStore store(boolean direct) {
    AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    return new S3BlobStore(client(credentials), direct ? presigner(credentials) : null, bucket, prefix);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix + (endpoint != null ? " at " + endpoint : "");
  }
}
