package org.arbor.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Objects sent in parts, on S3: each part an object of its own until the join streams them into the whole. */
class S3BlobStorePartsTest extends BlobStorePartsContractTest {
  private static final AtomicInteger TESTS = new AtomicInteger();
  @TempDir static Path dir;
  static S3TestServer server;
  private String prefix;

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
    prefix = "test-" + TESTS.incrementAndGet() + "/";
    return new S3BlobStore(server.client, S3TestServer.BUCKET, prefix);
  }

  @Override
  protected BlobStore reopen() {
    return new S3BlobStore(server.client, S3TestServer.BUCKET, prefix);
  }

  @Override
  protected void assertNothingStaged() {
    assertThat(server.client.listObjectsV2Paginator(b -> b.bucket(S3TestServer.BUCKET).prefix(prefix + "parts/"))
        .contents()).isEmpty();
    assertThat(server.client.listMultipartUploads(b -> b.bucket(S3TestServer.BUCKET).prefix(prefix)).uploads())
        .isEmpty();
  }
}
