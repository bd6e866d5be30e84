package org.arbor.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Objects sent in parts, on S3: each part an object of its own until the join streams them into the whole. */
class S3BlobStorePartsTest extends BlobStorePartsContractTest {
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

  @Override
  protected void assertNothingStaged() {
    assertThat(server.client.listObjectsV2Paginator(b -> b.bucket(S3TestServer.BUCKET).prefix(server.prefix() + "parts/"))
        .contents()).isEmpty();
    assertThat(server.client.listMultipartUploads(b -> b.bucket(S3TestServer.BUCKET).prefix(server.prefix())).uploads())
        .isEmpty();
  }
}
