package org.arbor.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.arbor.core.RepoId;

/**
 * Downloads a snapshot's files, several at a time, each verified before it becomes visible: the
 * SHA-256 of an LFS file, the git blob id of a regular one. Bytes arrive in {@code NAME.incomplete}
 * beside the target; an interrupted download resumes from there with a Range request (the bytes
 * already there are hashed first), and a partial file that does not verify is fetched again.
 *
 * <p>Two layouts: a plain folder with the files at their paths (as {@code hf download --local-dir}),
 * or the Hugging Face cache ({@code models--ns--name/blobs/ETAG}, {@code snapshots/COMMIT/PATH}
 * linking to the blob, {@code refs/REVISION}), so the two tools share downloads.
 */
public final class SnapshotDownloader {
  private static final int BUFFER = 1 << 20;
  /** Files from this size on are digested on a thread of their own while they arrive. */
  private static final long PIPELINE_FROM = 16L << 20;

  /** What a download did: files fetched and skipped (already there and verified), bytes moved and resumed. */
  public record Result(int fetched, int skipped, long bytes, long resumedBytes) {}

  /** With more than one stream, a file is cut into ranges if each would hold at least this much. */
  static final long MIN_RANGE = 8L << 20;

  private final HubClient client;
  private final int threads;
  private final TransferListener progress;
  private final int streams;

  public SnapshotDownloader(HubClient client, int threads, TransferListener progress) {
    this(client, threads, progress, 1);
  }

  /** {@code streams}: byte ranges of one large file fetched at once (see {@link RangedFetch}). */
  public SnapshotDownloader(HubClient client, int threads, TransferListener progress, int streams) {
    this.client = client;
    this.threads = Math.max(1, threads);
    this.progress = progress;
    this.streams = Math.max(1, streams);
  }

  /** Into {@code dir}, each file at its path. */
  public Result toFolder(Snapshot snapshot, Path dir, Predicate<String> wanted) throws IOException {
    return run(snapshot, wanted, file -> dir.resolve(file.path()).normalize(), null, dir);
  }

  /** Into the Hugging Face cache rooted at {@code cacheRoot}, recording {@code revision} → commit. */
  public Result toCache(Snapshot snapshot, Path cacheRoot, String revision, Predicate<String> wanted)
      throws IOException {
    Path repo = cacheRoot.resolve(snapshot.repoType() + "s--" + snapshot.repoId().replace("/", "--"));
    Path snapshotDir = repo.resolve("snapshots").resolve(snapshot.commit());
    Result result = run(snapshot, wanted, file -> repo.resolve("blobs").resolve(file.etag()), (file, blob) -> {
      Path link = snapshotDir.resolve(file.path()).normalize();
      Files.createDirectories(link.getParent());
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, link.getParent().relativize(blob));
    }, repo);
    if (!revision.equals(snapshot.commit())) {
      Files.createDirectories(repo.resolve("refs"));
      Path ref = repo.resolve("refs").resolve(revision);
      Files.createDirectories(ref.getParent());
      Files.writeString(ref, snapshot.commit(), StandardCharsets.UTF_8);
    }
    return result;
  }

  @FunctionalInterface
  private interface Placement {
    Path of(RemoteFile file);
  }

  @FunctionalInterface
  private interface AfterFetch {
    void done(RemoteFile file, Path stored) throws IOException;
  }

  private Result run(Snapshot snapshot, Predicate<String> wanted, Placement place, AfterFetch after, Path root)
      throws IOException {
    RepoId id = RepoId.parse(snapshot.repoId());
    AtomicInteger fetched = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    AtomicLong resumed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (RemoteFile file : snapshot.files()) {
        if (!wanted.test(file.path())) {
          continue;
        }
        Path target = place.of(file);
        if (!target.startsWith(root)) {
          throw new ClientException(ClientException.Kind.REFUSED, "The hub listed a path outside the folder: "
              + file.path());
        }
        jobs.add(pool.submit(() -> {
          boolean done = verified(target, file);
          if (done) {
            skipped.incrementAndGet();
            progress.finished(file.path(), file.size(), true);
          } else {
            long[] moved = fetch(client.fileUrl(snapshot.repoType(), id, snapshot.commit(), file.path()), target, file);
            bytes.addAndGet(moved[0]);
            resumed.addAndGet(moved[1]);
            fetched.incrementAndGet();
            progress.finished(file.path(), file.size(), false);
          }
          if (after != null) {
            after.done(file, target);
          }
          return null;
        }));
      }
      Jobs.awaitAll(jobs);
    } finally {
      pool.shutdownNow();
    }
    return new Result(fetched.get(), skipped.get(), bytes.get(), resumed.get());
  }

  /** True if {@code target} already holds exactly this file. */
  private static boolean verified(Path target, RemoteFile file) throws IOException {
    if (!Files.isRegularFile(target) || Files.size(target) != file.size()) {
      return false;
    }
    MessageDigest digest = digestFor(file);
    try (InputStream in = Files.newInputStream(target)) {
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest()).equals(file.etag());
  }

  /**
   * Fetches into {@code target.incomplete} (resuming what is there), verifies, and moves it into
   * place; a partial file that fails verification is dropped and fetched once more from the start.
   *
   * @return bytes received over the network, and bytes reused from a partial file
   */
  private long[] fetch(URI url, Path target, RemoteFile file) throws IOException {
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".incomplete");
    Attempt first = streams > 1 && file.size() >= streams * MIN_RANGE ? fetchRanged(url, partial, file)
        : fetchOnce(url, partial, file);
    if (streams > 1 || RangedFetch.leftOver(partial)) {
      RangedFetch.removeSegments(partial);
    }
    if (first.matches(partial, file)) {
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new long[] {first.received(), first.reused()};
    }
    Files.deleteIfExists(partial);
    Attempt second = fetchOnce(url, partial, file);
    if (!second.matches(partial, file)) {
      Files.deleteIfExists(partial);
      throw new ClientException(ClientException.Kind.INTEGRITY, file.path() + " did not match the hub's "
          + (file.lfsSha256() != null ? "SHA-256 " : "git blob id ") + file.etag() + " twice; nothing was kept");
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new long[] {first.received() + second.received(), first.reused()};
  }

  /** One pass over a partial file: bytes received, bytes reused from before, and the digest of the whole. */
  private record Attempt(long received, long reused, String digest) {
    boolean matches(Path partial, RemoteFile file) throws IOException {
      return Files.size(partial) == file.size() && file.etag().equals(digest);
    }
  }

  private Attempt fetchRanged(URI url, Path partial, RemoteFile file) throws IOException {
    RangedFetch.Result r = new RangedFetch(client, progress, streams).fetch(url, partial, file, digestFor(file));
    return new Attempt(r.received(), r.reused(), r.digest());
  }

  private Attempt fetchOnce(URI url, Path partial, RemoteFile file) throws IOException {
    MessageDigest digest = digestFor(file);
    long have = Files.isRegularFile(partial) ? Files.size(partial) : 0;
    if (have > file.size()) {
      Files.delete(partial);
      have = 0;
    }
    if (have > 0) {
      try (InputStream in = Files.newInputStream(partial)) {
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
    }
    progress.started(file.path(), file.size(), have);
    long received = 0;
    String hex;
    if (have < file.size() || file.size() == 0) {
      Receiver receiver = new Receiver(partial, file, have, digest);
      try {
        client.download(url, have, receiver);
        hex = receiver.digestHex();
      } finally {
        receiver.close();
      }
      received = receiver.received;
      if (receiver.restarted) {
        have = 0;
      }
    } else {
      hex = HexFormat.of().formatHex(digest.digest());
    }
    if (!Files.exists(partial)) {
      Files.createFile(partial);   // an empty file
    }
    return new Attempt(received, have, hex);
  }

  /**
   * Writes a download into the partial file and digests it: on a thread of its own for large
   * files (see {@link PipelinedDigest}), inline for small ones. Writes go out in 64 KiB slices:
   * on this VM 1 MiB writes made the kernel's share of a download vary several-fold, 64 KiB ones
   * did not.
   */
  private final class Receiver implements HubClient.Sink, AutoCloseable {
    private static final int WRITE_SLICE = 64 << 10;
    private final Path partial;
    private final RemoteFile file;
    private final long offset;
    private MessageDigest digest;
    private FileChannel channel;
    private PipelinedDigest pipeline;
    private final byte[] inline = new byte[BUFFER];
    long received;
    boolean restarted;

    Receiver(Path partial, RemoteFile file, long offset, MessageDigest prefix) {
      this.partial = partial;
      this.file = file;
      this.offset = offset;
      this.digest = prefix;
    }

    @Override
    public void begin(int status) throws IOException {
      boolean append = offset > 0 && status == 206;
      if (!append) {   // a full answer: start the file and its digest over
        digest = digestFor(file);
        restarted = offset > 0;
      }
      close();   // a retried request begins again
      channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
      pipeline = file.size() - offset >= PIPELINE_FROM ? new PipelinedDigest(digest, 8, BUFFER) : null;
    }

    @Override
    public byte[] buffer() throws IOException {
      return pipeline != null ? pipeline.take() : inline;
    }

    @Override
    public void accept(byte[] buffer, int length) throws IOException {
      for (int from = 0; from < length; from += WRITE_SLICE) {
        ByteBuffer slice = ByteBuffer.wrap(buffer, from, Math.min(WRITE_SLICE, length - from));
        while (slice.hasRemaining()) {
          channel.write(slice);
        }
      }
      received += length;
      if (length > 0) {
        progress.advanced(length);
      }
      if (pipeline == null) {
        digest.update(buffer, 0, length);
      } else if (length > 0) {
        pipeline.hash(buffer, length);
      } else {
        pipeline.giveBack(buffer);
      }
    }

    String digestHex() throws IOException {
      if (channel == null) {   // nothing was asked for (cannot happen: a download begins or throws)
        return HexFormat.of().formatHex(digest.digest());
      }
      return HexFormat.of().formatHex(pipeline != null ? pipeline.finish() : digest.digest());
    }

    @Override
    public void close() throws IOException {
      if (pipeline != null) {
        pipeline.close();
        pipeline = null;
      }
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }

  /** SHA-256 for LFS files; for git files the blob id, SHA-1 over {@code "blob SIZE\0"} and the content. */
  private static MessageDigest digestFor(RemoteFile file) {
    try {
      if (file.lfsSha256() != null) {
        return MessageDigest.getInstance("SHA-256");
      }
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(("blob " + file.size() + "\0").getBytes(StandardCharsets.US_ASCII));
      return sha1;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
