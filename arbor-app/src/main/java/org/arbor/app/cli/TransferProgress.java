package org.arbor.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.arbor.client.TransferListener;

/**
 * Progress of a transfer: on a terminal one line redrawn at most five times a second (bytes,
 * rate, time left); otherwise a plain line per file, for logs.
 */
final class TransferProgress implements TransferListener {
  /** The words for each direction: what happened to a file that moved, and to one that did not need to. */
  enum Direction {
    DOWNLOAD("fetched", "already here"),
    UPLOAD("sent", "already on the hub");

    final String moved;
    final String skipped;

    Direction(String moved, String skipped) {
      this.moved = moved;
      this.skipped = skipped;
    }
  }

  private final PrintWriter out;
  private final boolean terminal;
  private final Direction direction;
  private final boolean totalKnown;
  private final AtomicLong total;
  private final long started = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong resumed = new AtomicLong();
  private volatile long lastDraw;

  /** {@code total} bytes to account for, or -1 to learn it as files start. */
  TransferProgress(PrintWriter out, boolean terminal, Direction direction, long total) {
    this.out = out;
    this.terminal = terminal;
    this.direction = direction;
    this.totalKnown = total >= 0;
    this.total = new AtomicLong(Math.max(0, total));
  }

  @Override
  public void started(String path, long size, long alreadyThere) {
    if (!totalKnown) {
      total.addAndGet(size);
    }
    if (alreadyThere > 0) {
      resumed.addAndGet(alreadyThere);
      done.addAndGet(alreadyThere);
      line("resuming %s: %s of %s %s", path, size(alreadyThere), size(size), direction.skipped);
    }
  }

  @Override
  public void advanced(long bytes) {
    long now = done.addAndGet(bytes);
    long t = System.nanoTime();
    if (terminal && t - lastDraw > 200_000_000L) {
      lastDraw = t;
      double seconds = Math.max(1e-3, (t - started) / 1e9);
      double rate = (now - resumed.get()) / seconds;
      long left = rate > 0 ? (long) ((total.get() - now) / rate) : -1;
      synchronized (out) {
        out.printf("\r  %s / %s  %s/s  %s   ", size(now), size(total.get()), size((long) rate),
            left < 0 ? "" : "ETA " + left + "s");
        out.flush();
      }
    }
  }

  @Override
  public void finished(String path, long size, boolean skipped) {
    if (skipped) {
      done.addAndGet(size);
      if (!totalKnown) {
        total.addAndGet(size);
      }
    }
    line("%s %s (%s)", skipped ? direction.skipped : direction.moved, path, size(size));
  }

  /** A line for logs; on a terminal the redrawn line says it all. */
  private void line(String format, Object... args) {
    if (!terminal) {
      synchronized (out) {
        out.printf(format + "%n", args);
        out.flush();
      }
    }
  }

  void end() {
    if (terminal) {
      out.print("\r" + " ".repeat(60) + "\r");
      out.flush();
    }
  }

  static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
  }
}
