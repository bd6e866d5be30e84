package org.arbor.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
    BlobStore store = presigningStore();
    byte[] content = randomBytes(3_000_000);
    org.arbor.core.Sha256 id = org.arbor.core.Sha256.digest(content);
    DirectUpload upload = store.directUpload("repo1", id, content.length, TTL, true).orElseThrow();
    assertThat(upload.headers()).containsKey("x-amz-checksum-sha256");
    assertThat(put(upload.url(), upload.headers(), content).statusCode()).as("the store takes the PUT without the hub")
        .isEqualTo(200);
    assertThat(store.stat(id)).as("not visible before completion").isEmpty();
    try (var listed = store.list()) {
      assertThat(listed).isEmpty();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectUpload("repo2", id, content.length))
        .as("what was sent for one repository is not another's").isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertThat(store.completeDirectUpload("repo1", id, content.length)).isEqualTo(new BlobInfo(id, content.length));
    assertThat(readAll(store, id)).isEqualTo(content);
    store.discardDirectUpload("repo1", id);   // once the caller has recorded it
    assertStorageHolds(1);

    // bytes that are not the object: refused by the store (it checks the signed SHA-256) or at completion
    byte[] other = randomBytes(3_000_001);
    org.arbor.core.Sha256 otherId = org.arbor.core.Sha256.digest(other);
    DirectUpload lying = store.directUpload("repo1", otherId, other.length, TTL, true).orElseThrow();
    byte[] forged = other.clone();
    forged[1234] ^= 1;
    if (put(lying.url(), lying.headers(), forged).statusCode() == 200) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectUpload("repo1", otherId, other.length))
          .isInstanceOf(DigestMismatchException.class);
    }
    assertThat(store.stat(otherId)).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectUpload("repo1", otherId, other.length))
        .as("nothing left to complete").isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertStorageHolds(1);
  }

  @org.junit.jupiter.api.Test
  void a_client_that_sends_no_headers_puts_the_body_alone_and_the_completion_checks_it() throws Exception {
    BlobStore store = presigningStore();
    byte[] content = randomBytes(1_500_000);
    org.arbor.core.Sha256 id = org.arbor.core.Sha256.digest(content);
    DirectUpload upload = store.directUpload("r", id, content.length, TTL, false).orElseThrow();
    assertThat(upload.headers()).as("nothing the client would have to send").isEmpty();
    byte[] forged = content.clone();
    forged[0] ^= 1;
    assertThat(put(upload.url(), java.util.Map.of(), forged).statusCode()).isEqualTo(200);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectUpload("r", id, content.length))
        .as("nothing signed the body: the hub's read-back refuses it").isInstanceOf(DigestMismatchException.class);
    assertThat(store.stat(id)).isEmpty();

    assertThat(put(upload.url(), java.util.Map.of(), content).statusCode()).as("the URL serves a retry").isEqualTo(200);
    assertThat(store.completeDirectUpload("r", id, content.length)).isEqualTo(new BlobInfo(id, content.length));
    assertThat(readAll(store, id)).isEqualTo(content);
    store.discardDirectUpload("r", id);
    assertStorageHolds(1);
  }

  @org.junit.jupiter.api.Test
  void direct_parts_go_to_the_stores_own_multipart_upload_and_are_published_once_verified() throws Exception {
    BlobStore store = presigningStore();
    byte[] big = randomBytes((11 << 20) + 7);
    org.arbor.core.Sha256 id = org.arbor.core.Sha256.digest(big);
    PartedUpload cut = new PartedUpload("repo1", id, big.length, 5 << 20);
    assertThat(store.directParts(new PartedUpload("repo1", id, big.length, 4 << 20), TTL))
        .as("S3 takes no parts under 5 MiB but the last").isEmpty();

    DirectParts lying = store.directParts(cut, TTL).orElseThrow();
    java.util.List<StoredPart> lyingTags = putParts(lying, cut, big, 2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectParts(cut, lying.uploadId(), lyingTags))
        .as("a part that is not the object's").isInstanceOf(DigestMismatchException.class);
    assertThat(store.stat(id)).isEmpty();

    DirectParts parts = store.directParts(cut, TTL).orElseThrow();
    assertThat(parts.partUrls()).hasSize(3);
    List<StoredPart> etags = putParts(parts, cut, big, 0);
    DirectParts again = store.directParts(cut, TTL).orElseThrow();
    assertThat(again.uploadId()).as("asked again, the open upload is taken up").isEqualTo(parts.uploadId());
    assertThat(store.directPartsHeld(cut, again.uploadId())).as("what a resumed client need not send")
        .isEqualTo(etags);
    java.util.List<StoredPart> wrong = new java.util.ArrayList<>(etags);
    wrong.set(1, new StoredPart(2, cut.length(2), "\"0123\""));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectParts(cut, parts.uploadId(), wrong))
        .isInstanceOf(MissingPartsException.class).hasMessageContaining("2");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> store.completeDirectParts(cut, parts.uploadId(), etags.subList(0, 2)))
        .as("every part must be named").isInstanceOf(MissingPartsException.class);
    assertThat(store.stat(id)).as("nothing visible before a completion that holds").isEmpty();

    assertThat(store.completeDirectParts(cut, parts.uploadId(), etags)).isEqualTo(new BlobInfo(id, big.length));
    assertThat(readAll(store, id)).isEqualTo(big);
    assertThat(store.completeDirectParts(cut, parts.uploadId(), etags)).as("until discarded, a retry publishes again")
        .isEqualTo(new BlobInfo(id, big.length));
    store.discardDirectUpload("repo1", id);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.completeDirectParts(cut, parts.uploadId(), etags))
        .as("completed once").isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertStorageHolds(1);

    // an earlier completion finished the store's upload, then failed before publishing: a retry publishes it
    byte[] other = randomBytes((5 << 20) + 9);
    org.arbor.core.Sha256 otherId = org.arbor.core.Sha256.digest(other);
    PartedUpload otherCut = new PartedUpload("repo1", otherId, other.length, 5 << 20);
    DirectParts half = store.directParts(otherCut, TTL).orElseThrow();
    List<StoredPart> otherTags = putParts(half, otherCut, other, 0);
    String incoming = server.prefix() + "incoming/repo1-" + otherId.hex();
    server.client.completeMultipartUpload(b -> b.bucket(S3TestServer.BUCKET).key(incoming).uploadId(half.uploadId())
        .multipartUpload(m -> m.parts(otherTags.stream().map(t -> software.amazon.awssdk.services.s3.model.CompletedPart
            .builder().partNumber(t.number()).eTag(t.etag()).build()).toList())));
    assertThat(store.stat(otherId)).isEmpty();
    assertThat(store.completeDirectParts(otherCut, half.uploadId(), otherTags)).isEqualTo(new BlobInfo(otherId,
        other.length));
    assertThat(readAll(store, otherId)).isEqualTo(other);
    store.discardDirectUpload("repo1", otherId);
    assertThat(store.delete(otherId)).isTrue();

    DirectParts abandoned = store.directParts(new PartedUpload("repo2", id, big.length, 5 << 20), TTL).orElseThrow();
    assertThat(put(abandoned.partUrls().get(0), java.util.Map.of(), java.util.Arrays.copyOf(big, 5 << 20)).statusCode())
        .isEqualTo(200);
    store.removeAbandonedParts(java.time.Instant.now().plusSeconds(60));
    assertStorageHolds(1);   // the client's multipart upload was aborted
  }

  @org.junit.jupiter.api.Test
  void an_upload_larger_than_one_copy_request_is_copied_into_place_in_ranged_parts() throws Exception {
    newStore();   // a fresh prefix
    BlobStore store = new S3BlobStore(server.client, server.location("").presigner(S3TestServer.CREDENTIALS),
        S3TestServer.BUCKET, server.prefix(), 1 << 20, 5 << 20);   // as if 1 MiB were S3's single-copy bound
    byte[] big = randomBytes((12 << 20) + 1);
    org.arbor.core.Sha256 id = org.arbor.core.Sha256.digest(big);
    DirectUpload upload = store.directUpload("r", id, big.length, TTL, false).orElseThrow();
    assertThat(put(upload.url(), java.util.Map.of(), big).statusCode()).isEqualTo(200);
    assertThat(store.completeDirectUpload("r", id, big.length)).isEqualTo(new BlobInfo(id, big.length));
    assertThat(readAll(store, id)).isEqualTo(big);
    store.discardDirectUpload("r", id);
    assertStorageHolds(1);
  }

  /** PUTs each part to its URL as the HF clients do (the body alone); with {@code forge}, that part altered. */
  private static java.util.List<StoredPart> putParts(DirectParts parts, PartedUpload cut, byte[] content, int forge)
      throws Exception {
    java.util.List<StoredPart> out = new java.util.ArrayList<>();
    for (int n = 1; n <= cut.partCount(); n++) {
      byte[] body = java.util.Arrays.copyOfRange(content, (int) cut.offset(n), (int) (cut.offset(n) + cut.length(n)));
      if (n == forge) {
        body[7] ^= 1;
      }
      var response = put(parts.partUrls().get(n - 1), java.util.Map.of(), body);
      assertThat(response.statusCode()).isEqualTo(200);
      out.add(new StoredPart(n, body.length, response.headers().firstValue("ETag").orElseThrow()));
    }
    return out;
  }

  private BlobStore presigningStore() {
    newStore();   // a fresh prefix
    return new S3BlobStore(server.client, server.location("").presigner(S3TestServer.CREDENTIALS),
        S3TestServer.BUCKET, server.prefix());
  }

  private static final java.time.Duration TTL = java.time.Duration.ofMinutes(5);

  /** PUTs {@code body} to a presigned URL with {@code headers}, as a client would. */
  private static java.net.http.HttpResponse<Void> put(java.net.URI url, java.util.Map<String, String> headers,
      byte[] body) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(url).PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return java.net.http.HttpClient.newHttpClient().send(request.build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
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
