package org.arbor.storage.blob;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** A real S3 protocol server in this JVM (s3proxy on a folder), a bucket in it, and a client for it. */
public final class S3TestServer implements AutoCloseable {
  public static final String BUCKET = "arbor-test";
  public static final String ACCESS_KEY = "access";
  public static final String SECRET_KEY = "secret";
  static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret"));

  private final S3Proxy proxy;
  final S3Client client;
  final URI endpoint;
  private final java.util.concurrent.atomic.AtomicInteger stores = new java.util.concurrent.atomic.AtomicInteger();
  private String prefix;

  private S3TestServer(S3Proxy proxy, S3Client client, URI endpoint) {
    this.proxy = proxy;
    this.client = client;
    this.endpoint = endpoint;
  }

  public static S3TestServer start(Path dir) throws Exception {
    Files.createDirectories(dir);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(dir.toString()))
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
        .build();
    proxy.start();
    for (int i = 0; i < 100 && !"STARTED".equals(proxy.getState()); i++) {
      Thread.sleep(20);
    }
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    S3Client client = location(endpoint, "").client(CREDENTIALS);
    client.createBucket(b -> b.bucket(BUCKET));
    return new S3TestServer(proxy, client, endpoint);
  }

  /** A store under a prefix of its own in the bucket, as new; {@link #reopen} gives another over it. */
  S3BlobStore newStore() {
    prefix = "test-" + stores.incrementAndGet() + "/";
    return reopen();
  }

  /** Another store over the prefix of the last {@link #newStore}, as after a restart. */
  S3BlobStore reopen() {
    return new S3BlobStore(client, BUCKET, prefix);
  }

  /** The prefix of the last {@link #newStore}. */
  String prefix() {
    return prefix;
  }

  /** A client for this server, with its credentials. */
  public S3Client client() {
    return client;
  }

  /** Where a hub keeps blobs in this server's bucket, as it is told. */
  public S3Location location(String prefix) {
    return location(endpoint, prefix);
  }

  private static S3Location location(URI endpoint, String prefix) {
    return S3Location.parse("s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint);
  }

  @Override
  public void close() throws Exception {
    client.close();
    proxy.stop();
  }
}
