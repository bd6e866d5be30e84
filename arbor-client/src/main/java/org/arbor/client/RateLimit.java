package org.arbor.client;

import java.time.Duration;

/**
 * Caps the bytes per second of every transfer sharing it: a budget refilled continuously, at
 * most one second deep; a transfer that overdraws it waits until the debt is paid.
 */
public final class RateLimit {
  private final long bytesPerSecond;
  private double available;
  private long last = System.nanoTime();

  public RateLimit(long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("a rate limit must be positive: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Takes {@code bytes} from the budget, waiting as long as the rate requires. */
  public void acquire(long bytes) throws java.io.InterruptedIOException {
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      available = Math.min(bytesPerSecond, available + (now - last) * (bytesPerSecond / 1e9));
      last = now;
      available -= bytes;
      waitNanos = available < 0 ? (long) (-available / bytesPerSecond * 1e9) : 0;
    }
    if (waitNanos > 0) {
      try {
        Thread.sleep(Duration.ofNanos(waitNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while keeping to the rate limit");
      }
    }
  }
}
