package org.arbor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Random;
import java.util.stream.Stream;
import org.arbor.core.Sha256;
import org.arbor.formats.xet.XetFixtures;
import org.arbor.storage.blob.FsBlobStore;
import org.arbor.storage.db.Database;
import org.arbor.storage.db.LfsRows;
import org.arbor.storage.db.XetRows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Xet garbage collection on SQLite and the file blob store, with time moved by hand. */
class XetCollectorTest {
  private static final String REPO = XetTestStore.REPO;
  private static final Duration GRACE = Duration.ofHours(48);

  @TempDir Path dir;
  private final Instant t0 = XetTestStore.T0;
  private Instant now = t0;
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private XetTestStore xet;
  private Database db;
  private XetRows rows;
  private XetStore store;
  private XetCollector collector;
  private FsBlobStore blobs;

  @BeforeEach
  void open() throws Exception {
    xet = XetTestStore.open(dir, clock);
    db = xet.db;
    rows = xet.rows;
    blobs = xet.whole;
    store = xet.store;
    collector = new XetCollector(rows, blobs, clock, GRACE);
  }

  @AfterEach
  void close() {
    xet.close();
  }

  @Test
  void an_upload_never_committed_goes_after_the_grace_period_with_its_xorbs_and_their_blobs() throws Exception {
    XetFixtures.TwoXorbFile file = upload(1);
    Sha256 oid = sha256(file);
    assertThat(blobFiles()).isEqualTo(2);

    now = t0.plus(GRACE).minusSeconds(1);
    assertThat(collector.collect()).as("within the grace period").isEqualTo(new XetCollector.Result(0, 0, 0));

    now = t0.plus(GRACE).plusSeconds(1);
    XetCollector.Result r = collector.collect();
    assertThat(r.files()).isEqualTo(1);
    assertThat(r.xorbs()).isEqualTo(2);
    assertThat(r.bytes()).isEqualTo(file.first().length + file.second().length);
    assertThat(rows.file(file.fileHash().toString())).isEmpty();
    assertThat(rows.xorb(file.x1().hash().toString())).isEmpty();
    assertThat(blobFiles()).isZero();
    assertThat(store.uploadedFor(REPO, oid)).as("a commit can no longer name it").isEmpty();
  }

  @Test
  void a_committed_file_keeps_its_chunks_for_as_long_as_a_repo_holds_it() throws Exception {
    XetFixtures.TwoXorbFile file = upload(2);
    assertThat(store.uploadedFor(REPO, sha256(file))).as("the commit names it").isPresent();
    new LfsRows(db).link(REPO, sha256(file).hex(), 700_000, now);

    now = t0.plus(GRACE.multipliedBy(10));
    assertThat(collector.collect()).isEqualTo(new XetCollector.Result(0, 0, 0));
    assertThat(new XetBackedBlobStore(blobs, rows).stat(sha256(file))).isPresent();
    assertThat(blobFiles()).isEqualTo(2);

    db.jdbi().useHandle(h -> h.execute("DELETE FROM repos WHERE id = ?", REPO));   // the repo is deleted
    assertThat(collector.collect().xorbs()).isEqualTo(2);
    assertThat(blobFiles()).isZero();
  }

  @Test
  void a_xorb_handed_out_in_a_dedup_answer_outlives_the_grace_period_counted_from_the_answer() throws Exception {
    XetFixtures.TwoXorbFile file = upload(3);
    now = t0.plus(GRACE).minusSeconds(60);
    XetTokens tokens = new XetTokens(null, null, new byte[32], clock);
    XetCas cas = new XetCas(store, rows, new LfsRows(db), tokens, blobs, new byte[32], clock);
    String token = issueWriteToken(tokens);
    assertThat(cas.dedup(token, file.x1().chunks().getFirst().hash().toString())).isPresent();

    now = t0.plus(GRACE).plusSeconds(60);
    XetCollector.Result r = collector.collect();
    assertThat(r.files()).as("the upload itself was never committed").isEqualTo(1);
    assertThat(r.xorbs()).as("both xorbs of the file were just handed out").isZero();
    assertThat(rows.xorb(file.x1().hash().toString())).isPresent();
    assertThat(rows.xorb(file.x2().hash().toString())).isPresent();

    now = now.plus(GRACE);
    assertThat(collector.collect().xorbs()).as("a grace period after the answer").isEqualTo(2);
  }

  @Test
  void the_grace_period_cannot_be_shorter_than_a_dedup_answer_lives() {
    assertThatThrownBy(() -> new XetCollector(rows, blobs, clock, Duration.ofHours(24)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 25 hours");
  }

  private XetFixtures.TwoXorbFile upload(int seed) throws Exception {
    byte[] data = new byte[700_000];
    new Random(seed).nextBytes(data);
    return xet.upload(data);
  }

  private Sha256 sha256(XetFixtures.TwoXorbFile file) throws Exception {
    return new Sha256(rows.file(file.fileHash().toString()).orElseThrow().sha256());
  }

  /** A write token without going through access checks: the token format is XetTokens' own. */
  private String issueWriteToken(XetTokens tokens) {
    return tokens.issueFor(REPO, "main", null, true).token();
  }

  private long blobFiles() throws Exception {
    try (Stream<Path> files = Files.walk(dir.resolve("blobs/sha256"))) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
