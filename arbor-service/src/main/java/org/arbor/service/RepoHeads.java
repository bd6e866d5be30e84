package org.arbor.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;

/**
 * Keeps a repository's row in step with the head of its default branch (last modified, card
 * data, tags): the "database rows after the ref moves" step of every write. Derived data only,
 * so running it twice, or late, is harmless.
 */
final class RepoHeads {
  static final String README = "README.md";
  static final int MAX_README_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RepoHeads.class);

  private final RepoRows rows;
  private final RepoEvents events;

  RepoHeads(RepoRows rows, RepoEvents events) {
    this.rows = rows;
    this.events = events;
  }

  /**
   * Refreshes the row after a write that already landed. The row is derived, so a failure here
   * must not turn a landed commit into an error for the client: it is logged, and the next write
   * (or a re-index) repairs it.
   */
  void refreshAfterWrite(Repo repo) {
    try {
      refresh(repo);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not refresh the metadata row of {} after a write", repo.id(), e);
    }
    events.changed(repo.row().id());
  }

  void refresh(Repo repo) throws IOException {
    GitRepo git = repo.git();
    Optional<GitHash> head = git.resolve(git.defaultBranch());
    if (head.isEmpty()) {
      return;
    }
    CardMetadata card = card(git, head.get());
    rows.updateHead(repo.row().id(), head.get().hex(), git.commit(head.get()).date(),
        JSON.writeValueAsString(card.cardData()), card.pipelineTag(), card.libraryName(), card.tags());
  }

  /**
   * The prose of the README at {@code commit}, read up to {@code maxBytes}: the front matter
   * removed, or the whole text when the front matter does not parse. Empty without a README.
   */
  static Optional<String> prose(GitRepo git, GitHash commit, int maxBytes) throws IOException {
    Optional<GitEntry> readme = git.entry(commit, README);
    if (readme.isEmpty() || readme.get().isDirectory() || readme.get().lfs().isPresent()) {
      return Optional.empty();
    }
    byte[] bytes;
    try (java.io.InputStream in = git.openBlob(readme.get().oid())) {
      bytes = in.readNBytes(maxBytes);
    }
    try {
      return Optional.of(org.arbor.formats.card.ModelCardReader.read(bytes).body());
    } catch (org.arbor.formats.card.CardException e) {
      return Optional.of(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** The card metadata of the README at {@code commit}, or nothing if there is no README. */
  static CardMetadata card(GitRepo git, GitHash commit) throws IOException {
    Optional<GitEntry> readme = git.entry(commit, README);
    if (readme.isEmpty() || readme.get().isDirectory() || readme.get().lfs().isPresent()
        || readme.get().size() > MAX_README_BYTES) {
      return CardMetadata.EMPTY;
    }
    return CardMetadata.of(git.readBlob(readme.get().oid(), MAX_README_BYTES));
  }
}
