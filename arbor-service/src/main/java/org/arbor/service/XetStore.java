package org.arbor.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.arbor.core.HubException;
import org.arbor.core.Sha256;
import org.arbor.formats.FormatException;
import org.arbor.formats.xet.Shard;
import org.arbor.formats.xet.XetHash;
import org.arbor.formats.xet.XetHashes;
import org.arbor.formats.xet.Xorb;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.XetRows;

/**
 * The Xet content store behind the CAS API: xorbs are verified (every chunk decoded and hashed,
 * the merkle root compared with the name they were sent under) and kept whole in the blob store;
 * shards register files only after each term is checked against the stored chunk index, each
 * verification hash and the file hash are recomputed, and a claimed SHA-256 is confirmed by
 * rebuilding the file's bytes, so a file hash is never tied to an LFS object it does not hold.
 */
public final class XetStore {
  /** Shards list files and xorbs in 48-byte records; this many bytes is far beyond any client's. */
  static final int MAX_SHARD_BYTES = 64 << 20;

  private final BlobStore blobs;
  private final XetRows rows;
  private final Clock clock;
  /** One permit per 256 MiB of heap (a xorb, its decoding and slack), from 1 to 8. */
  private final java.util.concurrent.Semaphore verifying = new java.util.concurrent.Semaphore(
      (int) Math.max(1, Math.min(8, Runtime.getRuntime().maxMemory() / (256L << 20))), true);

  public XetStore(BlobStore blobs, XetRows rows, Clock clock) {
    this.blobs = blobs;
    this.rows = rows;
    this.clock = clock;
  }

  /**
   * Verifies and stores a xorb sent as {@code claimedHash}; false if it was stored already (the
   * body is verified all the same). Nothing is stored unless every check passes.
   */
  public boolean putXorb(String claimedHash, InputStream body) throws IOException {
    XetHash claimed = hash(claimedHash, "xorb hash");
    // A xorb is verified in memory (up to 65 MiB); clients send several at once, so only as many
    // are held at a time as the heap has room for, and the others wait their turn.
    try {
      verifying.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting to verify a xorb");
    }
    try {
      return verifyAndStore(claimed, body);
    } finally {
      verifying.release();
    }
  }

  private boolean verifyAndStore(XetHash claimed, InputStream body) throws IOException {
    byte[] bytes = readAtMost(body, Xorb.MAX_BYTES, "A xorb");
    Xorb xorb;
    try {
      xorb = Xorb.parse(bytes, bytes.length);
    } catch (FormatException e) {
      throw HubException.badRequest("Invalid xorb: " + e.getMessage());
    }
    if (!xorb.hash().equals(claimed)) {
      throw HubException.badRequest("The xorb's chunks hash to " + xorb.hash() + ", not " + claimed);
    }
    if (rows.xorb(claimed.toString()).isPresent()) {
      return false;
    }
    MessageDigest sha = Sha256.newDigest();
    sha.update(bytes, 0, xorb.length());
    Sha256 blob = Sha256.of(sha.digest());
    blobs.put(blob, xorb.length(), new ByteArrayInputStream(bytes, 0, xorb.length()));
    List<XetRows.Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < xorb.chunks().size(); i++) {
      Xorb.Chunk c = xorb.chunks().get(i);
      chunks.add(new XetRows.Chunk(i, c.hash().toString(), c.start(), c.end(), c.uncompressedSize()));
    }
    return rows.insertXorb(new XetRows.Xorb(claimed.toString(), blob.hex(), xorb.length(), chunks.size(),
        xorb.uncompressedLength()), chunks, clock.instant());
  }

  /**
   * Verifies an uploaded shard and registers its files, readable from {@code repoId}; true if any
   * file was new. Every term must lie within a stored xorb and carry the right verification hash,
   * every file hash must be its terms' merkle root, and a claimed SHA-256 must be the SHA-256 of
   * the bytes the terms rebuild.
   */
  public boolean registerShard(String repoId, InputStream body) throws IOException {
    byte[] bytes = readAtMost(body, MAX_SHARD_BYTES, "A shard");
    Shard shard;
    try {
      shard = Shard.parse(bytes, bytes.length);
    } catch (FormatException e) {
      throw HubException.badRequest("Invalid shard: " + e.getMessage());
    }
    Map<String, List<XetRows.Chunk>> index = new HashMap<>();
    for (Shard.XorbInfo x : shard.xorbs()) {
      chunksOf(x.hash().toString(), index);
    }
    // Every file is checked before any is recorded: a shard with one bad file registers none.
    Map<XetRows.File, List<XetRows.Term>> checked = new java.util.LinkedHashMap<>();
    for (Shard.FileInfo file : shard.files()) {
      List<XetRows.Term> terms = checkTerms(file, index);
      String sha256 = null;
      if (file.sha256() != null) {
        String actual = HexFormat.of().formatHex(rebuild(terms, index, OutputStream.nullOutputStream()));
        if (!actual.equals(file.sha256())) {
          throw HubException.badRequest("File " + file.hash() + " rebuilds to bytes with SHA-256 " + actual
              + ", not the " + file.sha256() + " the shard claims");
        }
        sha256 = actual;
      }
      checked.put(new XetRows.File(file.hash().toString(), file.size(), sha256), terms);
    }
    boolean any = false;
    for (Map.Entry<XetRows.File, List<XetRows.Term>> e : checked.entrySet()) {
      try {
        any |= rows.insertFile(e.getKey(), e.getValue(), clock.instant());
      } catch (XetRows.CollectedException gone) {
        throw HubException.conflict("A xorb of this shard was removed as garbage while it was checked: "
            + gone.getMessage());
      }
      rows.linkRepo(repoId, e.getKey().hash(), clock.instant());
    }
    return any;
  }

  /**
   * The Xet file with SHA-256 {@code oid} uploaded for {@code repoId}, if any: a commit may then
   * name it as an LFS object of that repository (read through {@link XetBackedBlobStore}).
   */
  public java.util.Optional<XetRows.File> uploadedFor(String repoId, Sha256 oid) {
    // Touching it keeps the collector off it from now on; if the collector took it first, it is gone.
    return rows.fileBySha256(oid.hex(), repoId).filter(f -> rows.touchFile(f.hash(), clock.instant()));
  }

  /** Writes a registered file's bytes to {@code out}, decoded from its xorbs; returns their SHA-256. */
  public byte[] writeFile(String fileHash, OutputStream out) throws IOException {
    List<XetRows.Term> terms = rows.terms(hash(fileHash, "file hash").toString());
    if (rows.file(fileHash).isEmpty()) {
      throw HubException.entryNotFound("No Xet file " + fileHash);
    }
    return rebuild(terms, new HashMap<>(), out);
  }

  private List<XetRows.Term> checkTerms(Shard.FileInfo file, Map<String, List<XetRows.Chunk>> index)
      throws IOException {
    if (!file.terms().isEmpty() && file.verification().size() != file.terms().size()) {
      throw HubException.badRequest("File " + file.hash() + " carries no verification hashes for its terms");
    }
    List<XetRows.Term> terms = new ArrayList<>();
    List<XetHashes.Node> nodes = new ArrayList<>();
    for (int k = 0; k < file.terms().size(); k++) {
      Shard.Term term = file.terms().get(k);
      List<XetRows.Chunk> chunks = chunksOf(term.xorb().toString(), index);
      if (term.chunkEnd() > chunks.size()) {
        throw HubException.badRequest("A term of file " + file.hash() + " names chunks [" + term.chunkStart() + ", "
            + term.chunkEnd() + ") of xorb " + term.xorb() + ", which has " + chunks.size());
      }
      List<XetRows.Chunk> range = chunks.subList(term.chunkStart(), term.chunkEnd());
      long bytes = range.stream().mapToLong(XetRows.Chunk::unpackedLength).sum();
      if (bytes != term.bytes()) {
        throw HubException.badRequest("A term of file " + file.hash() + " says " + term.bytes() + " bytes; its chunks hold "
            + bytes);
      }
      List<XetHash> hashes = range.stream().map(c -> XetHash.parse(c.hash())).toList();
      if (!XetHashes.verification(hashes).equals(file.verification().get(k))) {
        throw HubException.badRequest("The verification hash of term " + k + " of file " + file.hash()
            + " does not match the stored chunks");
      }
      for (int i = 0; i < range.size(); i++) {
        nodes.add(new XetHashes.Node(hashes.get(i), range.get(i).unpackedLength()));
      }
      terms.add(new XetRows.Term(k, term.xorb().toString(), term.chunkStart(), term.chunkEnd(), bytes));
    }
    XetHash computed = XetHashes.file(nodes);
    if (!computed.equals(file.hash())) {
      throw HubException.badRequest("The terms of file " + file.hash() + " hash to " + computed);
    }
    return terms;
  }

  /** Decodes the terms' chunks from the stored xorbs into {@code out}; returns the SHA-256 of what was written. */
  private byte[] rebuild(List<XetRows.Term> terms, Map<String, List<XetRows.Chunk>> index, OutputStream out)
      throws IOException {
    XetFileLayout layout = XetFileLayout.of(terms, xorb -> chunksOf(xorb, index), xorb -> rows.xorb(xorb)
        .orElseThrow(() -> HubException.badRequest("Xorb " + xorb + " was never uploaded")));
    MessageDigest sha = Sha256.newDigest();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    try (XetFileChannel channel = new XetFileChannel(layout, blobs)) {
      while (channel.read(buffer.clear()) > 0) {
        sha.update(buffer.array(), 0, buffer.position());
        out.write(buffer.array(), 0, buffer.position());
      }
    }
    return sha.digest();
  }

  private List<XetRows.Chunk> chunksOf(String xorbHash, Map<String, List<XetRows.Chunk>> index) {
    List<XetRows.Chunk> chunks = index.get(xorbHash);
    if (chunks == null) {
      if (rows.xorb(xorbHash).isEmpty()) {
        throw HubException.badRequest("Xorb " + xorbHash + " was never uploaded");
      }
      chunks = rows.chunks(xorbHash);
      index.put(xorbHash, chunks);
    }
    return chunks;
  }

  private static byte[] readAtMost(InputStream body, int limit, String what) throws IOException {
    byte[] bytes = body.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw HubException.badRequest(what + " may hold at most " + limit + " bytes");
    }
    return bytes;
  }

  private static XetHash hash(String text, String what) {
    try {
      return XetHash.parse(text);
    } catch (IllegalArgumentException e) {
      throw HubException.badRequest("Invalid " + what + ": " + text);
    }
  }
}
