package org.arbor.app;

import java.io.IOException;
import java.util.List;
import org.arbor.app.cli.ClientOptions;
import org.arbor.client.ClientException;
import org.arbor.client.HubClient;
import org.arbor.client.RemoteFile;
import org.arbor.client.Snapshot;
import org.arbor.core.RepoId;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.io.CountingByteSource;
import org.arbor.formats.io.ReadAheadByteSource;

/**
 * The files of a repository revision on a hub (Arbor or any compatible one), each readable by
 * range requests through a read-ahead window (64 KiB, growing to 4 MiB while reads go on in
 * order): inspecting or scanning a remote file costs about the bytes its parser reads.
 */
final class RemoteRepoFiles {
  private static final int FIRST_WINDOW = 64 << 10;
  private static final int MAX_WINDOW = 4 << 20;

  private final HubClient client;
  private final String token;
  private final Snapshot snapshot;

  private RemoteRepoFiles(HubClient client, String token, Snapshot snapshot) {
    this.client = client;
    this.token = token;
    this.snapshot = snapshot;
  }

  static RemoteRepoFiles open(ClientOptions options, String type, String repo, String revision) throws IOException {
    HubClient client = options.client();
    return new RemoteRepoFiles(client, options.token().orElse(null),
        client.snapshot(type, RepoId.parse(repo), revision));
  }

  String commit() {
    return snapshot.commit();
  }

  List<RemoteFile> files() {
    return snapshot.files();
  }

  RemoteFile file(String path) {
    return snapshot.files().stream().filter(f -> f.path().equals(path)).findFirst()
        .orElseThrow(() -> new ClientException(ClientException.Kind.NOT_FOUND, "Not found: " + snapshot.repoId()
            + " has no file " + path + " at " + snapshot.commit().substring(0, 10)));
  }

  /** A remote file's bytes for a parser, and a count of those that crossed the network. */
  record Opened(ByteSource bytes, CountingByteSource network) {}

  Opened open(RemoteFile file) {
    CountingByteSource network = new CountingByteSource(new HttpByteSource(
        client.fileUrl(snapshot.repoType(), RepoId.parse(snapshot.repoId()), snapshot.commit(), file.path()), token,
        file.size()));
    return new Opened(new ReadAheadByteSource(network, FIRST_WINDOW, MAX_WINDOW), network);
  }
}
