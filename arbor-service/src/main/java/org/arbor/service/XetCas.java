package org.arbor.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.ErrorCode;
import org.arbor.core.HubException;
import org.arbor.core.Sha256;
import org.arbor.formats.xet.Shard;
import org.arbor.formats.xet.XetHash;
import org.arbor.formats.xet.XetHashes;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.XetRows;

/**
 * The Xet CAS API's semantics, transport-neutral: uploads under a write token, global dedup
 * answers (shards whose chunk hashes are keyed with a fresh secret, so a querier learns nothing it
 * could not compute), file reconstructions whose byte ranges are signed, short-lived URLs, and the
 * serving of those ranges. Every call checks its token; a reconstruction also needs the file to
 * belong to the token's repository.
 */
public final class XetCas {
  static final long URL_TTL_SECONDS = 600;
  /** How long a client may use a dedup answer; the collector keeps an answered xorb longer ({@link XetCollector}). */
  static final long DEDUP_SHARD_TTL_SECONDS = 86_400;
  /** At most this many xorbs in a dedup answer (an 8 GiB file; about 6 MB of shard). */
  static final int DEDUP_XORBS = 128;
  private static final String XORB_DATA = "xorb-data";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A term of a reconstruction: chunks {@code [start, end)} of a xorb, {@code unpackedLength} bytes of the file. */
  public record Term(String hash, long unpackedLength, int start, int end) {}

  /** A signed fetch of chunks {@code [chunkStart, chunkEnd)}: bytes {@code [byteStart, byteEnd]} (inclusive) of a xorb. */
  public record Fetch(String url, int chunkStart, int chunkEnd, long byteStart, long byteEnd) {}

  public record Reconstruction(long offsetIntoFirstRange, List<Term> terms, Map<String, List<Fetch>> fetches) {}

  /** A range of a stored xorb to send: the open object, and its first and last byte. */
  public record XorbRange(SeekableByteChannel channel, long first, long last, long total) {}

  private final XetStore store;
  private final XetRows rows;
  private final org.arbor.storage.db.LfsRows lfs;
  private final XetTokens tokens;
  private final BlobStore blobs;
  private final UrlSigner signer;
  private final Clock clock;

  public XetCas(XetStore store, XetRows rows, org.arbor.storage.db.LfsRows lfs, XetTokens tokens, BlobStore blobs,
      byte[] urlKey, Clock clock) {
    this.store = store;
    this.rows = rows;
    this.lfs = lfs;
    this.tokens = tokens;
    this.blobs = blobs;
    this.signer = new UrlSigner(urlKey, clock);
    this.clock = clock;
  }

  /** {@code POST /v1/xorbs/{prefix}/{hash}}: true if the xorb was new. */
  public boolean putXorb(String token, String hash, InputStream body) throws IOException {
    tokens.checkWrite(token);
    return store.putXorb(hash, body);
  }

  /** {@code POST /v1/shards}: true if any file was new; its files become readable from the token's repository. */
  public boolean putShard(String token, InputStream body) throws IOException {
    return store.registerShard(tokens.checkWrite(token).repoId(), body);
  }

  /**
   * {@code GET /v1/chunks/{prefix}/{hash}}: a shard describing a stored xorb that holds the chunk
   * and the other xorbs of the latest file using it (a client that found one chunk of a file is
   * about to upload a revision of it), every chunk listed, hashes keyed with a secret named in the
   * footer; empty if the chunk is unknown.
   */
  public Optional<byte[]> dedup(String token, String chunkHash) {
    tokens.check(token);
    XetHash wanted = hash(chunkHash, "chunk hash");
    Optional<XetRows.ChunkPlace> place = rows.findChunk(wanted.toString());
    if (place.isEmpty()) {
      return Optional.empty();
    }
    String found = place.get().xorbHash();
    List<String> xorbs = new ArrayList<>(List.of(found));
    rows.xorbsOfLatestFileUsing(found, DEDUP_XORBS).stream().filter(x -> !x.equals(found)).limit(DEDUP_XORBS - 1)
        .forEach(xorbs::add);
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    List<Shard.XorbInfo> blocks = new ArrayList<>();
    long stored = 0;
    long unpacked = 0;
    for (String x : xorbs) {
      // Touched first: the client may name its chunks until the answer expires, and the collector
      // may have taken the xorb since it was found.
      Optional<XetRows.Xorb> xorb = rows.touchXorb(x, clock.instant()) ? rows.xorb(x) : Optional.empty();
      if (xorb.isPresent()) {
        blocks.add(block(xorb.get(), wanted, key));
        stored += xorb.get().storedLength();
        unpacked += xorb.get().unpackedLength();
      } else if (x.equals(found)) {
        return Optional.empty();
      }
    }
    long now = clock.instant().getEpochSecond();
    return Optional.of(new Shard(List.of(), blocks).write(
        new Shard.Footer(key, now, now + DEDUP_SHARD_TTL_SECONDS, stored, 0, unpacked)));
  }

  /** A xorb's CAS block for a dedup answer: all its chunks, their hashes keyed. */
  private Shard.XorbInfo block(XetRows.Xorb xorb, XetHash wanted, byte[] key) {
    List<Shard.ChunkInfo> chunks = new ArrayList<>();
    long offset = 0;
    for (XetRows.Chunk c : rows.chunks(xorb.hash())) {
      XetHash h = XetHash.parse(c.hash());
      boolean eligible = c.index() == 0 || h.modulo(1024) == 0 || h.equals(wanted);
      byte[] raw = h.raw();
      chunks.add(new Shard.ChunkInfo(XetHashes.keyed(key, raw, 0, raw.length), (int) offset, c.unpackedLength(),
          eligible ? Shard.GLOBAL_DEDUP : 0));
      offset += c.unpackedLength();
    }
    return new Shard.XorbInfo(XetHash.parse(xorb.hash()), 0, (int) xorb.unpackedLength(), (int) xorb.storedLength(),
        chunks);
  }

  /**
   * {@code GET /v2/reconstructions/{fileHash}}: the terms covering {@code range} (a {@code Range}
   * header, or null for the whole file) and, per xorb, one signed fetch per run of chunks.
   */
  public Reconstruction reconstruct(String token, String fileHash, String range, String casUrl) throws IOException {
    XetTokens.Grant grant = tokens.check(token);
    XetHash hash = hash(fileHash, "file hash");
    XetRows.File file = rows.file(hash.toString()).filter(f -> readableFrom(grant.repoId(), f))
        .orElseThrow(() -> HubException.entryNotFound("No Xet file " + hash + " in this repository"));
    long size = file.size();
    long[] bounds = bounds(range, size);
    long start = bounds[0];
    long end = bounds[1];
    List<Term> terms = new ArrayList<>();
    Map<String, List<int[]>> wanted = new LinkedHashMap<>();
    Map<String, List<XetRows.Chunk>> index = new LinkedHashMap<>();
    long position = 0;
    long firstOffset = 0;
    boolean first = true;
    for (XetRows.Term t : rows.terms(hash.toString())) {
      List<XetRows.Chunk> chunks = index.computeIfAbsent(t.xorbHash(), rows::chunks);
      int keptFrom = -1;
      int keptTo = -1;
      long kept = 0;
      for (int c = t.chunkStart(); c < t.chunkEnd(); c++) {
        int length = chunks.get(c).unpackedLength();
        if (position + length > start && position < end) {
          if (first) {
            firstOffset = start - position;
            first = false;
          }
          keptFrom = keptFrom < 0 ? c : keptFrom;
          keptTo = c + 1;
          kept += length;
        }
        position += length;
      }
      if (keptFrom >= 0) {
        terms.add(new Term(t.xorbHash(), kept, keptFrom, keptTo));
        wanted.computeIfAbsent(t.xorbHash(), k -> new ArrayList<>()).add(new int[] {keptFrom, keptTo});
      }
    }
    Map<String, List<Fetch>> fetches = new LinkedHashMap<>();
    for (Map.Entry<String, List<int[]>> e : wanted.entrySet()) {
      List<XetRows.Chunk> chunks = index.get(e.getKey());
      Optional<Sha256> blob = rows.xorb(e.getKey()).map(x -> new Sha256(x.blobSha256()));
      List<Fetch> list = new ArrayList<>();
      for (int[] run : merge(e.getValue())) {
        long from = chunks.get(run[0]).byteStart();
        long to = chunks.get(run[1] - 1).byteEnd() - 1;
        list.add(new Fetch(fetchUrl(casUrl, e.getKey(), blob, from, to), run[0], run[1], from, to));
      }
      fetches.put(e.getKey(), list);
    }
    return new Reconstruction(firstOffset, terms, fetches);
  }

  /**
   * {@code GET /v1/xorb-data/{hash}?r=&exp=&sig=}: the bytes of a signed range of a stored xorb,
   * or the part of it a {@code Range} header asks for; 403 if the signature, its age or the range
   * is wrong (clients then ask for a new reconstruction).
   */
  public XorbRange xorbData(String xorbHash, String signedRange, long expires, String signature, String range)
      throws IOException {
    long[] signed = parseRange(signedRange);
    if (signed == null || !signer.verify(XORB_DATA + ":" + signedRange, "", xorbHash, 0, expires, signature)) {
      throw HubException.forbidden("This xorb URL is invalid or has expired; ask for a new reconstruction");
    }
    long first = signed[0];
    long last = signed[1];
    if (range != null) {
      long[] asked = range.startsWith("bytes=") ? parseRange(range.substring(6)) : null;
      if (asked == null || asked[0] < signed[0] || asked[1] > signed[1]) {
        throw HubException.forbidden("The range asked for is not the one this URL was signed for");
      }
      first = asked[0];
      last = asked[1];
    }
    XetRows.Xorb xorb = rows.xorb(xorbHash).orElseThrow(() -> HubException.entryNotFound("No xorb " + xorbHash));
    if (last >= xorb.storedLength()) {
      throw new HubException(ErrorCode.RANGE_NOT_SATISFIABLE, "The xorb holds " + xorb.storedLength() + " bytes");
    }
    return new XorbRange(blobs.open(new Sha256(xorb.blobSha256())), first, last, xorb.storedLength());
  }

  /**
   * The Xet file hash that serves the LFS object {@code sha256}, if a file with that content was
   * registered (its SHA-256 confirmed by rebuilding it): what resolve advertises as X-Xet-Hash.
   */
  public Optional<String> fileHashFor(String sha256) {
    return rows.fileBySha256(sha256).map(XetRows.File::hash);
  }

  /** The same for many LFS objects at once (a tree listing): SHA-256 → Xet file hash, for those that have one. */
  public Map<String, String> fileHashesFor(java.util.Collection<String> sha256s) {
    return rows.fileHashesBySha256(sha256s);
  }

  /** A repository may read a file uploaded for it, or one whose content it holds as an LFS object. */
  private boolean readableFrom(String repoId, XetRows.File file) {
    return rows.isLinked(repoId, file.hash()) || (file.sha256() != null && lfs.isLinked(repoId, file.sha256()));
  }

  /**
   * Where a client fetches a range of a xorb: straight from the object store where it signs URLs
   * for exactly that range, else from the hub's own signed route.
   */
  private String fetchUrl(String casUrl, String xorbHash, Optional<Sha256> blob, long first, long last)
      throws IOException {
    Optional<java.net.URI> direct = blob.isEmpty() ? Optional.empty()
        : blobs.directUrl(blob.get(), java.time.Duration.ofSeconds(URL_TTL_SECONDS), first, last);
    return direct.isPresent() ? direct.get().toString() : signedUrl(casUrl, xorbHash, first, last);
  }

  private String signedUrl(String casUrl, String xorbHash, long first, long last) {
    long expires = signer.expiry(URL_TTL_SECONDS);
    return casUrl + "/v1/xorb-data/" + xorbHash + "?r=" + first + "-" + last + "&exp=" + expires + "&sig="
        + signer.sign(XORB_DATA + ":" + first + "-" + last, "", xorbHash, 0, expires);
  }

  /** {@code [start, end)} of a file of {@code size} bytes for a Range header (null: all); 416 past the end. */
  private static long[] bounds(String range, long size) {
    if (range == null) {
      return new long[] {0, size};
    }
    String spec = range.startsWith("bytes=") ? range.substring(6).strip() : "";
    long start;
    long end;
    try {
      if (spec.startsWith("-")) {
        long n = Long.parseLong(spec.substring(1));
        start = Math.max(0, size - n);
        end = size;
      } else {
        int dash = spec.indexOf('-');
        start = Long.parseLong(spec.substring(0, dash));
        end = dash == spec.length() - 1 ? size : Math.min(size, Long.parseLong(spec.substring(dash + 1)) + 1);
      }
    } catch (RuntimeException e) {
      throw HubException.badRequest("Invalid Range header: " + range);
    }
    if (size == 0 && start == 0) {
      return new long[] {0, 0};
    }
    if (start >= size || end <= start) {
      throw new HubException(ErrorCode.RANGE_NOT_SATISFIABLE, "The file holds " + size + " bytes");
    }
    return new long[] {start, end};
  }

  /** Sorted runs, overlapping or adjacent ones merged. */
  private static List<int[]> merge(List<int[]> runs) {
    List<int[]> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingInt(r -> r[0]));
    List<int[]> out = new ArrayList<>();
    for (int[] r : sorted) {
      if (!out.isEmpty() && r[0] <= out.getLast()[1]) {
        out.getLast()[1] = Math.max(out.getLast()[1], r[1]);
      } else {
        out.add(new int[] {r[0], r[1]});
      }
    }
    return out;
  }

  private static long[] parseRange(String text) {
    if (text == null || !text.matches("\\d{1,18}-\\d{1,18}")) {
      return null;
    }
    int dash = text.indexOf('-');
    long first = Long.parseLong(text.substring(0, dash));
    long last = Long.parseLong(text.substring(dash + 1));
    return last >= first ? new long[] {first, last} : null;
  }

  private static XetHash hash(String text, String what) {
    try {
      return XetHash.parse(text);
    } catch (IllegalArgumentException e) {
      throw HubException.badRequest("Invalid " + what + ": " + text);
    }
  }
}
