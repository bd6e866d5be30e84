package org.arbor.client;

/**
 * Hears how a transfer goes: each file as it starts and ends, bytes as they move. Called from
 * several transfer threads at once.
 */
public interface TransferListener {
  TransferListener NONE = new TransferListener() {
    @Override
    public void advanced(long bytes) {
      // nobody listens
    }
  };

  /** {@code path} begins; {@code alreadyThere} of its {@code size} bytes need not move (a resumed transfer). */
  default void started(String path, long size, long alreadyThere) {}

  /** {@code bytes} more moved; negative when a broken attempt's bytes are to be sent again. */
  void advanced(long bytes);

  /** {@code path} is done; {@code skipped} if nothing had to move. */
  default void finished(String path, long size, boolean skipped) {}
}
