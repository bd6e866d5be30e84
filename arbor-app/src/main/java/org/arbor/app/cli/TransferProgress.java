package org.arbor.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.arbor.client.RemoteFile;
import org.arbor.client.SnapshotDownloader;

/**
 * Progress of a transfer: on a terminal one line redrawn at most five times a second (bytes,
 * rate, time left); otherwise a plain line per file, for logs.
 */
final class TransferProgress implements SnapshotDownloader.Progress {
  private final PrintWriter out;
  private final boolean terminal;
  private final long total;
  private final long started = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong resumed = new AtomicLong();
  private volatile long lastDraw;

  TransferProgress(PrintWriter out, boolean terminal, long total) {
    this.out = out;
    this.terminal = terminal;
    this.total = total;
  }

  @Override
  public void started(RemoteFile file, long resumedFrom) {
    if (resumedFrom > 0) {
      resumed.addAndGet(resumedFrom);
      done.addAndGet(resumedFrom);
      if (!terminal) {
        out.printf("resuming %s from %s%n", file.path(), size(resumedFrom));
        out.flush();
      }
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
      long left = rate > 0 ? (long) ((total - now) / rate) : -1;
      synchronized (out) {
        out.printf("\r  %s / %s  %s/s  %s   ", size(now), size(total), size((long) rate),
            left < 0 ? "" : "ETA " + left + "s");
        out.flush();
      }
    }
  }

  @Override
  public void finished(RemoteFile file, boolean skipped) {
    if (skipped) {
      done.addAndGet(file.size());
    }
    if (!terminal) {
      synchronized (out) {
        out.printf("%s %s (%s)%n", skipped ? "already here" : "fetched", file.path(), size(file.size()));
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
