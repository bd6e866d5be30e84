package org.arbor.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One large file fetched as several byte ranges at once, for hubs far away where one TCP stream
 * is slower than the link. Range {@code i} goes to {@code NAME.incomplete.i} (range 0 to
 * {@code NAME.incomplete} itself), each growing from its start, so an interrupted run resumes each
 * range where it stopped. When all are whole they are appended to {@code NAME.incomplete} in order
 * and the file is digested. On loopback one stream is faster (it digests while it receives), so
 * this is what {@code --streams N} asks for, not the default.
 */
final class RangedFetch {
  private static final int BUFFER = 1 << 20;

  private final HubClient client;
  private final TransferListener progress;
  private final int streams;

  RangedFetch(HubClient client, TransferListener progress, int streams) {
    this.client = client;
    this.progress = progress;
    this.streams = streams;
  }

  /** What a ranged fetch did: bytes received, bytes reused from an earlier run, the hex digest of the whole. */
  record Result(long received, long reused, String digest) {}

  /** Fetches {@code file} into {@code partial}, digesting the whole with {@code digest}. */
  Result fetch(URI url, Path partial, RemoteFile file, MessageDigest digest) throws IOException {
    long size = file.size();
    long per = (size + streams - 1) / streams;
    List<Path> segments = new ArrayList<>();
    AtomicLong received = new AtomicLong();
    long reused = 0;
    ExecutorService pool = Executors.newFixedThreadPool(streams, Thread.ofPlatform().daemon().factory());
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        long start = i * per;
        long length = Math.min(per, size - start);
        Path segment = i == 0 ? partial : segmentPath(partial, i);
        segments.add(segment);
        long have = Files.isRegularFile(segment) ? Files.size(segment) : 0;
        if (have > length) {   // an earlier run cut the file differently: keep what is still this range's
          try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            c.truncate(length);
          }
          have = length;
        }
        reused += have;
        if (have < length) {
          long from = start + have;
          jobs.add(pool.submit(() -> {
            try (SegmentSink sink = new SegmentSink(segment, from > start, received)) {
              client.download(url, from, start + length - 1, sink);
            }
            return null;
          }));
        }
      }
      progress.started(file.path(), size, reused);
      Jobs.awaitAll(jobs);
    } finally {
      pool.shutdownNow();
    }
    try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (Path segment : segments.subList(1, segments.size())) {
        try (FileChannel in = FileChannel.open(segment, StandardOpenOption.READ)) {
          for (long done = 0, n = in.size(); done < n; ) {
            done += in.transferTo(done, n - done, out);
          }
        }
        Files.delete(segment);
      }
    }
    try (InputStream in = Files.newInputStream(partial)) {
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return new Result(received.get(), reused, HexFormat.of().formatHex(digest.digest()));
  }

  /** Whether an interrupted ranged fetch of {@code partial} may have left range files (a cheap check). */
  static boolean leftOver(Path partial) {
    return Files.exists(segmentPath(partial, 1));
  }

  /** Removes the range files an interrupted ranged fetch of {@code partial} left. */
  static void removeSegments(Path partial) throws IOException {
    String prefix = partial.getFileName() + ".";
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(partial.getParent(), prefix + "*")) {
      for (Path p : siblings) {
        if (p.getFileName().toString().substring(prefix.length()).matches("\\d+")) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Path segmentPath(Path partial, int i) {
    return partial.resolveSibling(partial.getFileName() + "." + i);
  }

  /** Appends one range's bytes to its file; a hub that ignores the Range header cannot be used this way. */
  private final class SegmentSink implements HubClient.Sink, AutoCloseable {
    private final Path segment;
    private final boolean append;
    private final AtomicLong received;
    private final byte[] buffer = new byte[256 << 10];
    private FileChannel channel;

    SegmentSink(Path segment, boolean append, AtomicLong received) {
      this.segment = segment;
      this.append = append;
      this.received = received;
    }

    @Override
    public void begin(int status) throws IOException {
      if (status != 206) {
        throw new ClientException(ClientException.Kind.SERVER, "The hub ignored a Range request (HTTP " + status
            + "); download with --streams 1");
      }
      if (channel != null) {
        channel.close();
      }
      channel = FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public byte[] buffer() {
      return buffer;
    }

    @Override
    public void accept(byte[] bytes, int length) throws IOException {
      ByteBuffer slice = ByteBuffer.wrap(bytes, 0, length);
      while (slice.hasRemaining()) {
        channel.write(slice);
      }
      received.addAndGet(length);
      progress.advanced(length);
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }
}
