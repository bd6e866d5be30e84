package org.arbor.storage.blob;

import static java.nio.file.StandardOpenOption.READ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.arbor.core.Sha256;

/**
 * The SHA-256 of a staged upload's leading whole parts, advanced while parts arrive (from the page
 * cache, right after each is written) so that joining them need not read the object again. It
 * remembers the marker of every part it digested: a part rewritten since has a new marker, and
 * the join then digests the whole file afresh. Kept in memory only; after a restart the join
 * reads everything, as it would without it.
 */
final class DigestedPrefix {
  private static final int BUFFER_SIZE = 1 << 20;

  private final ReentrantLock lock = new ReentrantLock();
  private final MessageDigest digest = Sha256.newDigest();
  private final List<String> markers = new ArrayList<>();

  /** How many leading parts are in the digest. */
  int parts() {
    return markers.size();
  }

  /**
   * Digests the parts that follow the prefix and are whole ({@code marker} gives a part's marker,
   * null while it is not whole). Returns at once if another thread is advancing it: that thread
   * looks for the following parts too, and the join digests whatever is left.
   */
  void advance(PartedUpload upload, Path data, MarkerReader marker) throws IOException {
    if (!lock.tryLock()) {
      return;
    }
    try {
      while (markers.size() < upload.partCount()) {
        int next = markers.size() + 1;
        String seen = marker.read(next);
        if (seen == null) {
          return;
        }
        digestRange(data, upload.offset(next), upload.length(next), digest);
        markers.add(seen);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The digest of the whole object, reusing the prefix when every part in it still has the marker
   * it had when digested; otherwise from the start.
   */
  byte[] finish(PartedUpload upload, Path data, MarkerReader marker) throws IOException {
    lock.lock();
    try {
      boolean holds = true;
      for (int n = 1; n <= markers.size() && holds; n++) {
        holds = markers.get(n - 1).equals(marker.read(n));
      }
      MessageDigest whole = holds ? digest : Sha256.newDigest();
      long from = holds && !markers.isEmpty() ? upload.offset(markers.size()) + upload.length(markers.size()) : 0;
      digestRange(data, from, upload.size() - from, whole);
      return whole.digest();
    } finally {
      lock.unlock();
    }
  }

  /** Reads part {@code n}'s marker, or null if the part is not whole. */
  @FunctionalInterface
  interface MarkerReader {
    String read(int n) throws IOException;
  }

  private static void digestRange(Path data, long from, long length, MessageDigest into) throws IOException {
    try (FileChannel in = FileChannel.open(data, READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
      long position = from;
      long end = from + length;
      while (position < end) {
        buffer.clear().limit((int) Math.min(BUFFER_SIZE, end - position));
        int n = in.read(buffer, position);
        if (n < 0) {
          throw new java.io.EOFException("staged data ends at " + position + ", before " + end);
        }
        into.update(buffer.array(), 0, n);
        position += n;
      }
    }
  }
}
