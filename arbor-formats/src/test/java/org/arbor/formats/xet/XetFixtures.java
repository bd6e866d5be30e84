package org.arbor.formats.xet;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Xet uploads built from any content, as a client would make them: for this module's tests and
 * other modules' (this class ships in the test jar).
 */
public final class XetFixtures {
  private XetFixtures() {}

  /** A file sent as two xorbs (its chunks split in half), and the shard that registers it with its SHA-256. */
  public record TwoXorbFile(byte[] first, byte[] second, Xorb x1, Xorb x2, XetHash fileHash, byte[] shard) {}

  /** {@code data} cut into chunks as xet-core cuts. */
  public static List<byte[]> chunks(byte[] data) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (long end : GearChunker.boundaries(data)) {
      out.add(Arrays.copyOfRange(data, start, (int) end));
      start = (int) end;
    }
    return out;
  }

  public static TwoXorbFile twoXorbFile(byte[] content) throws Exception {
    List<byte[]> chunks = chunks(content);
    int half = chunks.size() / 2;
    byte[] first = Xorb.write(chunks.subList(0, half));
    byte[] second = Xorb.write(chunks.subList(half, chunks.size()));
    Xorb x1 = Xorb.parse(first, first.length);
    Xorb x2 = Xorb.parse(second, second.length);
    List<XetHashes.Node> nodes = new ArrayList<>();
    for (Xorb x : List.of(x1, x2)) {
      x.chunks().forEach(c -> nodes.add(new XetHashes.Node(c.hash(), c.uncompressedSize())));
    }
    XetHash fileHash = XetHashes.file(nodes);
    byte[] shard = new Shard(List.of(new Shard.FileInfo(fileHash, List.of(wholeTerm(x1), wholeTerm(x2)),
        List.of(verification(x1), verification(x2)), sha256(content))), List.of()).write(null);
    return new TwoXorbFile(first, second, x1, x2, fileHash, shard);
  }

  /** A term naming every chunk of {@code xorb}. */
  public static Shard.Term wholeTerm(Xorb xorb) {
    long bytes = xorb.chunks().stream().mapToLong(Xorb.Chunk::uncompressedSize).sum();
    return new Shard.Term(xorb.hash(), (int) bytes, 0, xorb.chunks().size());
  }

  /** The verification hash of a term naming every chunk of {@code xorb}. */
  public static XetHash verification(Xorb xorb) {
    return XetHashes.verification(xorb.chunks().stream().map(Xorb.Chunk::hash).toList());
  }

  private static String sha256(byte[] content) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
