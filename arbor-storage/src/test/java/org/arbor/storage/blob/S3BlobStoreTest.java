package org.arbor.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The blob store contract on S3: an in-process S3 protocol server (s3proxy on a folder), a prefix per test. */
class S3BlobStoreTest extends BlobStoreContractTest {
  @TempDir static Path dir;
  static S3TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = S3TestServer.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Override
  protected BlobStore newStore() {
    return server.newStore();
  }

  @Override
  protected BlobStore reopen() {
    return server.reopen();
  }

  @org.junit.jupiter.api.Test
  void a_large_object_goes_up_in_parts_and_reads_back_from_any_position() throws Exception {
    BlobStore store = newStore();
    byte[] big = randomBytes(20 << 20);   // three S3 parts of 8 MiB, the last one shorter
    org.arbor.core.Sha256 id = org.arbor.core.Sha256.digest(big);
    store.put(id, big.length, new java.io.ByteArrayInputStream(big));
    assertThat(readAll(store, id)).isEqualTo(big);
    try (java.nio.channels.SeekableByteChannel channel = store.open(id)) {
      for (long at : new long[] {(8 << 20) - 3, 12_345, (20 << 20) - 10}) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(10);
        channel.position(at);
        while (buffer.hasRemaining()) {
          channel.read(buffer);
        }
        assertThat(buffer.array()).isEqualTo(java.util.Arrays.copyOfRange(big, (int) at, (int) at + 10));
      }
    }

    assertThat(store.delete(id)).isTrue();
    PartedUpload parted = new PartedUpload("s", id, big.length, 3 << 20);   // joined into S3 parts of >= 8 MiB
    for (int n = parted.partCount(); n >= 1; n--) {
      store.putPart(parted, n, new java.io.ByteArrayInputStream(big, (int) parted.offset(n), (int) parted.length(n)));
    }
    store.completeParts(parted);
    assertThat(readAll(store, id)).isEqualTo(big);
    assertStorageHolds(1);
  }

  @org.junit.jupiter.api.Test
  void a_direct_upload_is_invisible_until_completed_and_completed_only_when_it_is_the_object() throws Exception {
    newStore();   // a fresh prefix
    BlobStore store = new S3BlobStore(server.client, server.location("").presigner(S3TestServer.CREDENTIALS),
        S3TestServer.BUCKET, server.prefix());
    byte[] content = randomBytes(3_000_000);
    org.arbor.core.Sha256 id = org.arbor.core.Sha256.digest(content);
    DirectUpload upload = store.directUpload(id, content.length, java.time.Duration.ofMinutes(5)).orElseThrow();
    assertThat(upload.headers()).containsKey("x-amz-checksum-sha256");
    assertThat(put(upload, content)).as("the store takes the PUT without the hub").isEqualTo(200);
    assertThat(store.stat(id)).as("not visible before completion").isEmpty();
    try (var listed = store.list()) {
      assertThat(listed).isEmpty();
    }
    assertThat(store.completeDirectUpload(id, content.length)).isEqualTo(new BlobInfo(id, content.length));
    assertThat(readAll(store, id)).isEqualTo(content);
    assertStorageHolds(1);

    // bytes that are not the object: refused by the store (it checks the signed SHA-256) or at completion
    byte[] other = randomBytes(3_000_001);
    org.arbor.core.Sha256 otherId = org.arbor.core.Sha256.digest(other);
    DirectUpload lying = store.directUpload(otherId, other.length, java.time.Duration.ofMinutes(5)).orElseThrow();
    byte[] forged = other.clone();
    forged[1234] ^= 1;
    if (put(lying, forged) == 200) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectUpload(otherId, other.length))
          .isInstanceOf(DigestMismatchException.class);
    }
    assertThat(store.stat(otherId)).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectUpload(otherId, other.length))
        .as("nothing left to complete").isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertStorageHolds(1);
  }

  /** PUTs {@code body} to a direct upload's URL with its headers, as a client would; the status. */
  private static int put(DirectUpload upload, byte[] body) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(upload.url())
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    upload.headers().forEach(request::header);
    return java.net.http.HttpClient.newHttpClient().send(request.build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @org.junit.jupiter.api.Test
  void a_location_names_bucket_prefix_endpoint_and_region() {
    S3Location l = S3Location.parse("s3://models/hub/a?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1");
    assertThat(l).isEqualTo(new S3Location("models", "hub/a/", java.net.URI.create("http://127.0.0.1:9000"),
        "eu-west-1", true));
    assertThat(S3Location.parse("s3://models")).isEqualTo(new S3Location("models", "", null, null, false));
    assertThat(S3Location.parse("s3://models/x/?endpoint=https://s3.example&path-style=false").pathStyle()).isFalse();
    for (String bad : new String[] {"http://models/x", "s3:///x", "s3://m/x?colour=red", "s3://m/x?endpoint=ftp://a",
        "s3://m/x?endpoint"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> S3Location.parse(bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Override
  protected void assertStorageHolds(int objects) throws IOException {
    assertThat(server.client.listObjectsV2Paginator(b -> b.bucket(S3TestServer.BUCKET).prefix(server.prefix())).contents()
        .stream().map(S3Object::key)).hasSize(objects).allMatch(k -> k.startsWith(server.prefix() + "sha256/"));
    assertThat(server.client.listMultipartUploads(b -> b.bucket(S3TestServer.BUCKET).prefix(server.prefix())).uploads())
        .as("no multipart upload left open").isEmpty();
  }
}
