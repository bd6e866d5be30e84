package org.arbor.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.arbor.storage.CopyMismatchException;

/**
 * Copies every object of one store into another, and checks the copy. Both listings come in order
 * of id ({@link BlobStore#list}), so they are merged as they stream: an object the target lacks is
 * sent through {@link BlobStore#put}, which verifies its SHA-256 and size on the way in; one the
 * target has with the same size is skipped, so a copy can be run again and sends only what is
 * missing; one the target has with another size is replaced; one the source no longer has is
 * removed from the target, which is therefore a copy of this source only.
 */
public final class BlobCopy {
  private final BlobStore source;
  private final BlobStore target;
  private final int parallelism;

  /** Objects copied, skipped (already there) and removed from the target, with their bytes. */
  public record Result(long copied, long copiedBytes, long skipped, long skippedBytes, long removed) {
    Result plusCopied(long bytes) {
      return new Result(copied + 1, copiedBytes + bytes, skipped, skippedBytes, removed);
    }

    Result plusSkipped(long bytes) {
      return new Result(copied, copiedBytes, skipped + 1, skippedBytes + bytes, removed);
    }

    Result plusRemoved() {
      return new Result(copied, copiedBytes, skipped, skippedBytes, removed + 1);
    }
  }

  /** The objects of both stores once verified equal, and their bytes. */
  public record Check(long objects, long bytes) {}

  /** {@code parallelism}: how many objects are sent at a time. */
  public BlobCopy(BlobStore source, BlobStore target, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
    }
    this.source = source;
    this.target = target;
    this.parallelism = parallelism;
  }

  /** Brings the target to the source's objects; {@code progress} hears of every object done. */
  public Result copy(Consumer<Result> progress) throws IOException {
    AtomicReference<Result> done = new AtomicReference<>(new Result(0, 0, 0, 0, 0));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Semaphore slots = new Semaphore(parallelism);
    try (Stream<BlobInfo> from = source.list(); Stream<BlobInfo> to = target.list();
        ExecutorService senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("blob-copy-", 0)
            .factory())) {
      Merge merge = new Merge(from.iterator(), to.iterator());
      while (failure.get() == null && merge.advance()) {
        BlobInfo s = merge.source;
        BlobInfo t = merge.target;
        if (s == null) {
          target.delete(t.id());
          progress.accept(done.updateAndGet(Result::plusRemoved));
        } else if (t != null && t.size() == s.size()) {
          progress.accept(done.updateAndGet(r -> r.plusSkipped(s.size())));
        } else {
          if (t != null) {
            target.delete(t.id());   // same id, another size: a damaged copy
          }
          slots.acquireUninterruptibly();
          senders.execute(() -> {
            try {
              send(s);
              progress.accept(done.updateAndGet(r -> r.plusCopied(s.size())));
            } catch (Throwable e) {
              failure.compareAndSet(null, e);
            } finally {
              slots.release();
            }
          });
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Throwable e = failure.get();
    if (e instanceof IOException io) {
      throw io;
    } else if (e instanceof UncheckedIOException u) {
      throw u.getCause();
    } else if (e instanceof RuntimeException r) {
      throw r;
    } else if (e != null) {
      throw new IOException(e);
    }
    return done.get();
  }

  /**
   * Checks that both stores hold the same ids with the same sizes.
   *
   * @throws CopyMismatchException naming the first objects that differ
   */
  public Check verify() throws IOException {
    long objects = 0;
    long bytes = 0;
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    List<String> resized = new ArrayList<>();
    try (Stream<BlobInfo> from = source.list(); Stream<BlobInfo> to = target.list()) {
      Merge merge = new Merge(from.iterator(), to.iterator());
      while (merge.advance()) {
        BlobInfo s = merge.source;
        BlobInfo t = merge.target;
        if (s == null) {
          extra.add(t.id().hex());
          continue;
        }
        objects++;
        bytes += s.size();
        if (t == null) {
          missing.add(s.id().hex());
        } else if (t.size() != s.size()) {
          resized.add(s.id().hex() + " (" + s.size() + " bytes, the copy " + t.size() + ")");
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!missing.isEmpty() || !extra.isEmpty() || !resized.isEmpty()) {
      throw new CopyMismatchException("the target blob store differs from the source: " + describe("missing", missing)
          + ", " + describe("not in the source", extra) + ", " + describe("of another size", resized));
    }
    return new Check(objects, bytes);
  }

  private void send(BlobInfo object) throws IOException {
    try (InputStream in = Channels.newInputStream(source.open(object.id()))) {
      target.put(object.id(), object.size(), in);
    }
  }

  private static String describe(String what, List<String> ids) {
    return ids.size() + " " + what + (ids.isEmpty() ? "" : " (" + String.join(", ", ids.subList(0, Math.min(3,
        ids.size()))) + (ids.size() > 3 ? ", …" : "") + ")");
  }

  /** Two listings in order of id, walked side by side: each step yields an id of either or both. */
  private static final class Merge {
    private final Iterator<BlobInfo> from;
    private final Iterator<BlobInfo> to;
    private BlobInfo nextFrom;
    private BlobInfo nextTo;
    BlobInfo source;
    BlobInfo target;

    Merge(Iterator<BlobInfo> from, Iterator<BlobInfo> to) {
      this.from = from;
      this.to = to;
      this.nextFrom = from.hasNext() ? from.next() : null;
      this.nextTo = to.hasNext() ? to.next() : null;
    }

    boolean advance() {
      if (nextFrom == null && nextTo == null) {
        return false;
      }
      int c = nextFrom == null ? 1 : nextTo == null ? -1 : nextFrom.id().hex().compareTo(nextTo.id().hex());
      source = c <= 0 ? nextFrom : null;
      target = c >= 0 ? nextTo : null;
      if (c <= 0) {
        nextFrom = from.hasNext() ? from.next() : null;
      }
      if (c >= 0) {
        nextTo = to.hasNext() ? to.next() : null;
      }
      return true;
    }
  }
}
