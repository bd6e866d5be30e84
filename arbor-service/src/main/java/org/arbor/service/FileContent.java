package org.arbor.service;

import java.io.IOException;
import java.util.Map;
import java.nio.channels.SeekableByteChannel;
import org.arbor.core.Sha256;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.io.ChannelByteSource;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;

/**
 * The bytes of a file of a revision, for analysis: from the blob store (LFS files, read by
 * range) or from git (small files, read whole), and its content key, the SHA-256 that analysis
 * results are kept under.
 */
final class FileContent implements AutoCloseable {
  /** Files kept in git rather than LFS are small by policy; this bounds what is read of one. */
  static final int MAX_GIT_BYTES = 64 * 1024 * 1024;

  private final SeekableByteChannel channel;
  private final ByteSource source;

  private FileContent(SeekableByteChannel channel, ByteSource source) {
    this.channel = channel;
    this.source = source;
  }

  static FileContent open(GitRepo repo, GitEntry file, BlobStore blobs) throws IOException {
    if (file.lfs().isPresent()) {
      SeekableByteChannel channel = blobs.open(file.lfs().get().oid());
      return new FileContent(channel, new ChannelByteSource(channel));
    }
    return new FileContent(null, new ByteArraySource(repo.readBlob(file.oid(), MAX_GIT_BYTES)));
  }

  /** The SHA-256 of the file's content: the LFS oid, or the hash of the git blob. */
  static String key(GitRepo repo, GitEntry file) throws IOException {
    if (file.lfs().isPresent()) {
      return file.lfs().get().oid().hex();
    }
    String known = BLOB_KEYS.get(file.oid().hex());
    if (known != null) {
      return known;
    }
    String key = Sha256.digest(repo.readBlob(file.oid(), MAX_GIT_BYTES)).hex();
    BLOB_KEYS.put(file.oid().hex(), key);
    return key;
  }

  /**
   * SHA-256 of git blobs by their object id: blobs never change, so a repository page need not
   * re-read and re-hash ten thousand files to look their scans up. Bounded, least recently used.
   */
  private static final Map<String, String> BLOB_KEYS = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > 200_000;
        }
      });

  ByteSource bytes() {
    return source;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
