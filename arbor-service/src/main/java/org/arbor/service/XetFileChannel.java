package org.arbor.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import org.arbor.core.Sha256;
import org.arbor.formats.FormatException;
import org.arbor.formats.xet.Xorb;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.blob.BufferSource;
import org.arbor.storage.blob.ReadOnlyChannel;

/**
 * A Xet file read as a seekable channel, decoded on the fly from the xorbs that hold its chunks:
 * how plain LFS downloads, resolve and the scanners read a file that was uploaded through Xet or
 * converted to it. A xorb on disk is memory-mapped whole (at most 65 MiB), and chunks stored as
 * they are (converted files, incompressible data) are lent as views of the mapping, so a server
 * sends them without copying ({@link BufferSource}); compressed chunks are decoded one at a time.
 * Xorbs from other stores are read in slices of consecutive records (up to 4 MiB).
 */
final class XetFileChannel extends ReadOnlyChannel implements BufferSource {
  private static final int SLICE = 4 << 20;

  private final XetFileLayout layout;
  private final BlobStore blobs;
  private final int sliceBytes;
  private final boolean mapFiles;

  /** Record bytes at hand: a whole mapped xorb, or a slice of one; {@code region[0]} is byte {@code regionStart}. */
  private Sha256 regionBlob;
  private ByteBuffer region;
  private long regionStart;
  /** The bytes of chunk {@code currentChunk}: a view of the region, or its decoded data. */
  private int currentChunk = -1;
  private ByteBuffer current;

  XetFileChannel(XetFileLayout layout, BlobStore blobs) {
    this(layout, blobs, SLICE, true);
  }

  /** Reading xorbs in slices of at most {@code sliceBytes} (more if one record is larger), mapped or not: for tests. */
  XetFileChannel(XetFileLayout layout, BlobStore blobs, int sliceBytes, boolean mapFiles) {
    super(layout.size());
    this.layout = layout;
    this.blobs = blobs;
    this.sliceBytes = sliceBytes;
    this.mapFiles = mapFiles;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    int total = 0;
    while (dst.hasRemaining() && position < size) {
      ByteBuffer next = nextBuffer(dst.remaining());
      total += next.remaining();
      dst.put(next);
    }
    return total;
  }

  @Override
  public ByteBuffer nextBuffer(int max) throws IOException {
    ensureOpen();
    if (position >= size || max <= 0) {
      return ByteBuffer.allocate(0);
    }
    int chunk = currentChunk >= 0 && position >= layout.fileStart(currentChunk)
        && position < layout.fileStart(currentChunk) + layout.length(currentChunk)
        ? currentChunk : layout.chunkAt(position);
    ByteBuffer bytes = chunk(chunk);
    int offset = (int) (position - layout.fileStart(chunk));
    int n = Math.min(max, layout.length(chunk) - offset);
    position += n;
    return bytes.slice(offset, n);
  }

  private ByteBuffer chunk(int chunk) throws IOException {
    if (chunk == currentChunk) {
      return current;
    }
    Sha256 blob = layout.blob(chunk);
    long start = layout.recordStart(chunk);
    long end = layout.recordEnd(chunk);
    if (!blob.equals(regionBlob) || start < regionStart || end > regionStart + region.limit()) {
      load(chunk);
    }
    int at = (int) (start - regionStart);
    int length = layout.length(chunk);
    if (Xorb.isStoredPlainAt(region, at, length)) {
      current = region.slice(at + 8, length);
    } else {
      byte[] record = new byte[(int) (end - start)];
      region.get(at, record);
      byte[] data;
      try {
        data = Xorb.chunkDataAt(record, 0);
      } catch (FormatException e) {
        throw new IOException("stored xorb blob " + blob + " is damaged: " + e.getMessage(), e);
      }
      if (data.length != length) {
        throw new IOException("stored xorb blob " + blob + " holds " + data.length + " bytes for a chunk of " + length);
      }
      current = ByteBuffer.wrap(data);
    }
    currentChunk = chunk;
    return current;
  }

  /** Maps the xorb holding {@code chunk}, or reads its record and the records after it that follow on. */
  private void load(int chunk) throws IOException {
    Sha256 blob = layout.blob(chunk);
    long start = layout.recordStart(chunk);
    long end = layout.recordEnd(chunk);
    regionBlob = null;
    try (SeekableByteChannel xorb = blobs.open(blob, start)) {
      if (xorb instanceof FileChannel file && mapFiles) {
        region = file.map(FileChannel.MapMode.READ_ONLY, 0, file.size());
        regionStart = 0;
      } else {
        for (int next = chunk + 1; next < layout.chunks() && blob.equals(layout.blob(next))
            && layout.recordStart(next) == end && layout.recordEnd(next) - start <= sliceBytes; next++) {
          end = layout.recordEnd(next);
        }
        ByteBuffer slice = ByteBuffer.allocate((int) (end - start));
        xorb.position(start);
        while (slice.hasRemaining()) {
          if (xorb.read(slice) < 0) {
            throw new IOException("stored xorb blob " + blob + " ends before byte " + end);
          }
        }
        region = slice.flip();
        regionStart = start;
      }
    }
    if (layout.recordEnd(chunk) > regionStart + region.limit()) {
      throw new IOException("stored xorb blob " + blob + " ends before byte " + layout.recordEnd(chunk));
    }
    regionBlob = blob;
  }

  @Override
  protected void release() {
    region = null;
    current = null;
  }
}
