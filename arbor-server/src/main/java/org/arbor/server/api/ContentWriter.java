package org.arbor.server.api;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import org.arbor.core.ErrorCode;
import org.arbor.core.HubException;
import org.arbor.storage.blob.BufferSource;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Sends file content with {@code Range} support (200, 206, 416) and never compressed. Files on
 * disk go out as memory-mapped slices that Jetty writes straight to the socket, and files read
 * from Xet chunks from views of their mapped xorbs through one direct buffer: the bytes are not
 * copied into the Java heap, so a multi-GB download costs no heap.
 */
final class ContentWriter {
  /** Mapped slices; small enough to map cheaply, large enough to keep the socket busy. */
  private static final long SLICE = 64L * 1024 * 1024;
  private static final int COPY_BUFFER = 1 << 20;

  private ContentWriter() {}

  /** The part of a {@code size}-byte file to send, after the status and length headers are set. */
  static ByteRange prepare(Exchange ex, long size) {
    ex.header("Accept-Ranges", "bytes");
    ex.response.setContentType("application/octet-stream");
    String range = ex.method().equals("GET") || ex.method().equals("HEAD") ? ex.header("Range") : null;
    if (size == 0) {
      // JS fileDownloadInfo probes with bytes=0-0 and needs a Content-Range even for empty files.
      if (range != null) {
        ex.header("Content-Range", "bytes */0");
      }
      ex.response.setStatus(200);
      ex.response.setContentLengthLong(0);
      return null;
    }
    return switch (ByteRange.parse(range, size)) {
      case ByteRange.Whole whole -> {
        ex.response.setStatus(200);
        ex.response.setContentLengthLong(size);
        yield new ByteRange(0, size - 1);
      }
      case ByteRange.Part part -> {
        ByteRange r = part.range();
        ex.response.setStatus(206);
        ex.header("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + size);
        ex.response.setContentLengthLong(r.length());
        yield r;
      }
      case ByteRange.Unsatisfiable none -> {
        ex.header("Content-Range", "bytes */" + size);
        throw new HubException(ErrorCode.RANGE_NOT_SATISFIABLE, "Requested range not satisfiable: " + range);
      }
    };
  }

  static void write(Exchange ex, ByteRange range, byte[] content) throws IOException {
    if (range == null) {
      return;
    }
    try (ServletOutputStream out = ex.response.getOutputStream()) {
      out.write(content, Math.toIntExact(range.first()), Math.toIntExact(range.length()));
    }
  }

  static void write(Exchange ex, ByteRange range, SeekableByteChannel channel) throws IOException {
    if (range == null) {
      return;
    }
    ServletOutputStream out = ex.response.getOutputStream();
    if (channel instanceof FileChannel file && out instanceof HttpOutput http) {
      long position = range.first();
      long end = range.last() + 1;
      while (position < end) {
        long length = Math.min(SLICE, end - position);
        MappedByteBuffer slice = file.map(FileChannel.MapMode.READ_ONLY, position, length);
        http.write(slice);
        position += length;
      }
      out.close();
      return;
    }
    channel.position(range.first());
    if (channel instanceof BufferSource source && out instanceof HttpOutput http) {
      // Objects read from Xet chunks lend views of their mapped xorbs, about 64 KiB each: gathered
      // into one direct buffer per write (one copy, no heap), as a socket wants large writes.
      ByteBuffer batch = ByteBuffer.allocateDirect(COPY_BUFFER);
      long remaining = range.length();
      while (remaining > 0) {
        batch.clear();
        while (batch.hasRemaining() && remaining > 0) {
          ByteBuffer next = source.nextBuffer((int) Math.min(batch.remaining(), remaining));
          if (!next.hasRemaining()) {
            throw new IOException("object ended early");
          }
          remaining -= next.remaining();
          batch.put(next);
        }
        http.write(batch.flip());
      }
      out.close();
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
    long remaining = range.length();
    while (remaining > 0) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
      int n = channel.read(buffer);
      if (n < 0) {
        throw new IOException("object ended early");
      }
      out.write(buffer.array(), 0, n);
      remaining -= n;
    }
    out.close();
  }
}
