package org.arbor.service;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.arbor.core.Sha256;
import org.arbor.storage.db.XetRows;

/**
 * Where each byte of a Xet file lives: its chunks in file order, each one a record at known
 * offsets inside a stored xorb. Built once per opened file from its terms; a 2 GiB file has
 * about 32,000 chunks, a few hundred KiB here.
 */
final class XetFileLayout {
  private final long size;
  private final long[] fileStart;
  private final int[] length;
  private final Sha256[] blob;
  private final long[] recordStart;
  private final long[] recordEnd;

  private XetFileLayout(int chunks) {
    fileStart = new long[chunks];
    length = new int[chunks];
    blob = new Sha256[chunks];
    recordStart = new long[chunks];
    recordEnd = new long[chunks];
    size = 0;
  }

  private XetFileLayout(XetFileLayout parts, long size) {
    this.fileStart = parts.fileStart;
    this.length = parts.length;
    this.blob = parts.blob;
    this.recordStart = parts.recordStart;
    this.recordEnd = parts.recordEnd;
    this.size = size;
  }

  /**
   * The layout of the file made of {@code terms}; {@code chunks} gives a xorb's chunk list and
   * {@code xorbs} its stored row (both may throw if the xorb is unknown).
   */
  static XetFileLayout of(List<XetRows.Term> terms, Function<String, List<XetRows.Chunk>> chunks,
      Function<String, XetRows.Xorb> xorbs) {
    int count = terms.stream().mapToInt(t -> t.chunkEnd() - t.chunkStart()).sum();
    XetFileLayout layout = new XetFileLayout(count);
    int i = 0;
    long position = 0;
    for (XetRows.Term term : terms) {
      Sha256 blob = new Sha256(xorbs.apply(term.xorbHash()).blobSha256());
      List<XetRows.Chunk> list = chunks.apply(term.xorbHash());
      for (XetRows.Chunk c : list.subList(term.chunkStart(), term.chunkEnd())) {
        layout.fileStart[i] = position;
        layout.length[i] = c.unpackedLength();
        layout.blob[i] = blob;
        layout.recordStart[i] = c.byteStart();
        layout.recordEnd[i] = c.byteEnd();
        position += c.unpackedLength();
        i++;
      }
    }
    return new XetFileLayout(layout, position);
  }

  long size() {
    return size;
  }

  int chunks() {
    return length.length;
  }

  /** The chunk holding byte {@code position} of the file ({@code 0 <= position < size}). */
  int chunkAt(long position) {
    int i = Arrays.binarySearch(fileStart, position);
    // Empty chunks never occur (the chunker emits none), so a hit is the chunk starting there.
    return i >= 0 ? i : -i - 2;
  }

  long fileStart(int chunk) {
    return fileStart[chunk];
  }

  int length(int chunk) {
    return length[chunk];
  }

  Sha256 blob(int chunk) {
    return blob[chunk];
  }

  long recordStart(int chunk) {
    return recordStart[chunk];
  }

  long recordEnd(int chunk) {
    return recordEnd[chunk];
  }
}
