package org.arbor.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import org.arbor.core.Sha256;
import org.arbor.formats.FormatException;
import org.arbor.formats.xet.Xorb;
import org.arbor.storage.blob.BlobStore;

/**
 * A Xet file read as a seekable channel, decoded on the fly from the xorbs that hold its chunks:
 * how plain LFS downloads, resolve and the scanners read a file that was uploaded through Xet and
 * never stored whole. Reads go to the xorbs in slices of consecutive records (up to 4 MiB), so a
 * sequential read costs one positioned read per slice and one decode per chunk; a seek costs at
 * most one slice.
 */
final class XetFileChannel implements SeekableByteChannel {
  private static final int SLICE = 4 << 20;

  private final XetFileLayout layout;
  private final BlobStore blobs;
  private final int sliceBytes;
  private long position;
  private boolean open = true;

  private Sha256 openBlob;
  private SeekableByteChannel xorb;
  private Sha256 sliceBlob;
  private byte[] slice = new byte[0];
  private long sliceStart;
  private int decodedChunk = -1;
  /** The current chunk's bytes: {@code decoded[decodedOffset, decodedOffset + length)}. */
  private byte[] decoded;
  private int decodedOffset;

  XetFileChannel(XetFileLayout layout, BlobStore blobs) {
    this(layout, blobs, SLICE);
  }

  /** With slices of at most {@code sliceBytes} (more if one record is larger): for tests of the slicing. */
  XetFileChannel(XetFileLayout layout, BlobStore blobs, int sliceBytes) {
    this.layout = layout;
    this.blobs = blobs;
    this.sliceBytes = sliceBytes;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= layout.size()) {
      return -1;
    }
    int total = 0;
    while (dst.hasRemaining() && position < layout.size()) {
      int chunk = decodedChunk >= 0 && position >= layout.fileStart(decodedChunk)
          && position < layout.fileStart(decodedChunk) + layout.length(decodedChunk)
          ? decodedChunk : layout.chunkAt(position);
      byte[] data = decode(chunk);
      int offset = (int) (position - layout.fileStart(chunk));
      int n = Math.min(dst.remaining(), layout.length(chunk) - offset);
      dst.put(data, decodedOffset + offset, n);
      position += n;
      total += n;
    }
    return total;
  }

  private byte[] decode(int chunk) throws IOException {
    if (chunk == decodedChunk) {
      return decoded;
    }
    Sha256 blob = layout.blob(chunk);
    long start = layout.recordStart(chunk);
    long end = layout.recordEnd(chunk);
    if (!blob.equals(sliceBlob) || start < sliceStart || end > sliceStart + slice.length) {
      load(chunk);
    }
    int at = (int) (start - sliceStart);
    if (Xorb.isStoredPlainAt(slice, at, layout.length(chunk))) {
      // Stored as it is (converted files, incompressible data): read straight from the slice.
      decoded = slice;
      decodedOffset = at + 8;
    } else {
      byte[] data;
      try {
        data = Xorb.chunkDataAt(slice, at);
      } catch (FormatException e) {
        throw new IOException("stored xorb blob " + blob + " is damaged: " + e.getMessage(), e);
      }
      if (data.length != layout.length(chunk)) {
        throw new IOException("stored xorb blob " + blob + " holds " + data.length + " bytes for a chunk of "
            + layout.length(chunk));
      }
      decoded = data;
      decodedOffset = 0;
    }
    decodedChunk = chunk;
    return decoded;
  }

  /** Reads the records of {@code chunk} and of the chunks after it that follow on in the same xorb. */
  private void load(int chunk) throws IOException {
    Sha256 blob = layout.blob(chunk);
    long start = layout.recordStart(chunk);
    long end = layout.recordEnd(chunk);
    for (int next = chunk + 1; next < layout.chunks() && blob.equals(layout.blob(next))
        && layout.recordStart(next) == end && layout.recordEnd(next) - start <= sliceBytes; next++) {
      end = layout.recordEnd(next);
    }
    decodedChunk = -1;   // both may lie in the slice about to be overwritten
    sliceBlob = null;
    if (!blob.equals(openBlob)) {
      if (xorb != null) {
        xorb.close();
        xorb = null;
      }
      xorb = blobs.open(blob);
      openBlob = blob;
    }
    byte[] bytes = slice.length == end - start ? slice : new byte[(int) (end - start)];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    xorb.position(start);
    while (buffer.hasRemaining()) {
      if (xorb.read(buffer) < 0) {
        throw new IOException("stored xorb blob " + blob + " ends before byte " + end);
      }
    }
    slice = bytes;
    sliceStart = start;
    sliceBlob = blob;
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return layout.size();
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
    if (xorb != null) {
      xorb.close();
      xorb = null;
    }
  }

  private void ensureOpen() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
