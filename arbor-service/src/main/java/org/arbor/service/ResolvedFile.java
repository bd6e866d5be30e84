package org.arbor.service;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.core.LfsPointer;
import org.arbor.core.RepoPath;

/**
 * A file found at a revision, with what a download needs to describe it: the commit, a
 * content-derived ETag (git blob SHA-1, or the SHA-256 of an LFS object), the size, and the bytes,
 * inline for git files or as a channel onto the blob store for LFS files.
 */
public final class ResolvedFile {
  /** Opens the content of an LFS file. */
  @FunctionalInterface
  public interface ChannelSource {
    SeekableByteChannel open() throws IOException;
  }

  /** A URL the content may be fetched from directly, if the store has one. */
  @FunctionalInterface
  public interface DirectSource {
    Optional<java.net.URI> url() throws IOException;
  }

  private final GitHash commit;
  private final RepoPath path;
  private final String etag;
  private final long size;
  private final Optional<LfsPointer> lfs;
  private final byte[] inline;
  private final ChannelSource channel;
  private final DirectSource direct;

  private ResolvedFile(GitHash commit, RepoPath path, String etag, long size, Optional<LfsPointer> lfs,
      byte[] inline, ChannelSource channel, DirectSource direct) {
    this.commit = commit;
    this.path = path;
    this.etag = etag;
    this.size = size;
    this.lfs = lfs;
    this.inline = inline;
    this.channel = channel;
    this.direct = direct;
  }

  static ResolvedFile git(GitHash commit, RepoPath path, GitHash blob, byte[] content) {
    return new ResolvedFile(commit, path, blob.hex(), content.length, Optional.empty(), content, null, Optional::empty);
  }

  static ResolvedFile lfs(GitHash commit, RepoPath path, LfsPointer pointer, ChannelSource channel,
      DirectSource direct) {
    return new ResolvedFile(commit, path, pointer.oid().hex(), pointer.size(), Optional.of(pointer), null, channel,
        direct);
  }

  public GitHash commit() {
    return commit;
  }

  public RepoPath path() {
    return path;
  }

  /** The unquoted ETag. */
  public String etag() {
    return etag;
  }

  public long size() {
    return size;
  }

  public boolean isLfs() {
    return lfs.isPresent();
  }

  /** The bytes of a git file; empty for LFS files. */
  public Optional<byte[]> inline() {
    return Optional.ofNullable(inline);
  }

  /**
   * Where an LFS file's content may be fetched directly (a presigned URL of the object store), so
   * its bytes need not pass through the hub; empty for git files and stores without one.
   */
  public Optional<java.net.URI> directUrl() throws IOException {
    return direct.url();
  }

  /** Opens an LFS file's content; call only if {@link #isLfs()}. */
  public SeekableByteChannel open() throws IOException {
    if (channel == null) {
      throw new IllegalStateException("not an LFS file: " + path);
    }
    return channel.open();
  }
}
