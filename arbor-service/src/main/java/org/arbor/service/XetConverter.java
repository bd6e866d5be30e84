package org.arbor.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.Sha256;
import org.arbor.formats.xet.GearChunker;
import org.arbor.formats.xet.Shard;
import org.arbor.formats.xet.XetHash;
import org.arbor.formats.xet.XetHashes;
import org.arbor.formats.xet.Xorb;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.XetRows;

/**
 * Turns an LFS object stored whole into a Xet file, as a client would upload it: cut into chunks,
 * each chunk the store already holds referenced where it is, the others packed into new xorbs;
 * then a shard goes through {@link XetStore#registerShard}, which checks it like any client's and
 * rebuilds the bytes against the object's SHA-256. Only then may the whole copy go: the object
 * is read from its chunks from there on, and a revision of it costs only what changed.
 */
public final class XetConverter {
  private static final int READ = 1 << 20;
  private static final int XORB_PAYLOAD = 64 << 20;

  private final BlobStore whole;
  private final XetStore store;
  private final XetRows rows;

  /** {@code whole}: the blob store that holds whole objects and xorbs. */
  public XetConverter(BlobStore whole, XetStore store, XetRows rows) {
    this.whole = whole;
    this.store = store;
    this.rows = rows;
  }

  /**
   * Gives object {@code oid}, which {@code repoId} holds, a Xet representation unless it has one,
   * and with {@code dropWhole} removes its whole copy once that is verified; returns the Xet file
   * hash, or empty if the object is not stored whole (nothing to convert).
   */
  public Optional<String> convert(String repoId, Sha256 oid, boolean dropWhole) throws IOException {
    Optional<XetRows.File> existing = rows.fileBySha256(oid.hex());
    String fileHash;
    if (existing.isPresent()) {
      fileHash = existing.get().hash();
    } else {
      if (whole.stat(oid).isEmpty()) {
        return Optional.empty();
      }
      Shard.FileInfo file = chunkAndStore(oid);
      store.registerShard(repoId, new ByteArrayInputStream(new Shard(List.of(file), List.of()).write(null)));
      fileHash = file.hash().toString();
    }
    if (dropWhole && rows.fileBySha256(oid.hex()).isPresent()) {
      whole.delete(oid);
    }
    return Optional.of(fileHash);
  }

  /** Cuts the object into chunks, stores the new ones in xorbs, and describes the file as a shard would. */
  private Shard.FileInfo chunkAndStore(Sha256 oid) throws IOException {
    Plan plan = new Plan();
    GearChunker chunker = new GearChunker();
    byte[] carry = new byte[0];
    long carryStart = 0;
    try (SeekableByteChannel in = whole.open(oid)) {
      ByteBuffer buffer = ByteBuffer.allocate(READ);
      int n;
      while ((n = in.read(buffer.clear())) >= 0) {
        if (n == 0) {
          continue;
        }
        byte[] joined = new byte[carry.length + n];
        System.arraycopy(carry, 0, joined, 0, carry.length);
        System.arraycopy(buffer.array(), 0, joined, carry.length, n);
        int from = 0;
        for (long end : chunker.feed(buffer.array(), 0, n)) {
          int to = (int) (end - carryStart);
          plan.add(java.util.Arrays.copyOfRange(joined, from, to));
          from = to;
        }
        carry = java.util.Arrays.copyOfRange(joined, from, joined.length);
        carryStart += from;
      }
    }
    if (!chunker.finish().isEmpty()) {
      plan.add(carry);
    }
    return plan.finish(oid);
  }

  /** The file's chunks as they arrive: terms over stored xorbs, and the xorb being filled. */
  private final class Plan {
    private final List<XetHashes.Node> nodes = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();
    private final List<byte[]> pending = new ArrayList<>();
    private final List<XetHashes.Node> pendingNodes = new ArrayList<>();
    private final Map<XetHash, Integer> pendingIndex = new HashMap<>();
    private int pendingBytes;
    private int pendingXorb;
    private final Map<Integer, XetHash> written = new HashMap<>();

    void add(byte[] chunk) throws IOException {
      XetHash hash = XetHashes.chunk(chunk, 0, chunk.length);
      nodes.add(new XetHashes.Node(hash, chunk.length));
      Integer inPending = pendingIndex.get(hash);
      if (inPending != null) {
        extend(null, pendingXorb, inPending, hash, chunk.length);
        return;
      }
      Optional<XetRows.ChunkPlace> stored = rows.findChunk(hash.toString());
      if (stored.isPresent()) {
        extend(XetHash.parse(stored.get().xorbHash()), -1, stored.get().index(), hash, chunk.length);
        return;
      }
      if (pending.size() == Xorb.MAX_CHUNKS || pendingBytes + chunk.length > XORB_PAYLOAD) {
        flush();
      }
      pendingIndex.put(hash, pending.size());
      pending.add(chunk);
      pendingNodes.add(new XetHashes.Node(hash, chunk.length));
      pendingBytes += chunk.length;
      extend(null, pendingXorb, pending.size() - 1, hash, chunk.length);
    }

    /** Appends a chunk to the last run if it follows on in the same xorb, else starts a run. */
    private void extend(XetHash xorb, int newXorb, int index, XetHash hash, int length) {
      Run last = runs.isEmpty() ? null : runs.getLast();
      if (last != null && java.util.Objects.equals(last.xorb, xorb) && last.newXorb == newXorb && last.end == index) {
        last.end++;
        last.bytes += length;
        last.hashes.add(hash);
      } else {
        Run run = new Run(xorb, newXorb, index);
        run.bytes = length;
        run.hashes.add(hash);
        runs.add(run);
      }
    }

    private void flush() throws IOException {
      if (pending.isEmpty()) {
        return;
      }
      // Named by the merkle root of the chunk hashes already computed; the store checks it again.
      XetHash hash = XetHashes.aggregate(pendingNodes);
      store.putXorb(hash.toString(), new ByteArrayInputStream(Xorb.write(pending)));
      written.put(pendingXorb, hash);
      pendingXorb++;
      pending.clear();
      pendingNodes.clear();
      pendingIndex.clear();
      pendingBytes = 0;
    }

    Shard.FileInfo finish(Sha256 oid) throws IOException {
      flush();
      List<Shard.Term> terms = new ArrayList<>();
      List<XetHash> verification = new ArrayList<>();
      for (Run run : runs) {
        XetHash xorb = run.xorb != null ? run.xorb : written.get(run.newXorb);
        terms.add(new Shard.Term(xorb, run.bytes, run.start, run.end));
        verification.add(XetHashes.verification(run.hashes));
      }
      return new Shard.FileInfo(XetHashes.file(nodes), terms, verification, oid.hex());
    }
  }

  /** Consecutive chunks {@code [start, end)} of a stored xorb, or of the {@code newXorb}-th written here. */
  private static final class Run {
    final XetHash xorb;
    final int newXorb;
    final int start;
    int end;
    int bytes;
    final List<XetHash> hashes = new ArrayList<>();

    Run(XetHash xorb, int newXorb, int start) {
      this.xorb = xorb;
      this.newXorb = newXorb;
      this.start = start;
      this.end = start + 1;
    }
  }
}
