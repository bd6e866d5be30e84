package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.Commits;

/** Branches and tags: {@code /api/T/ns/name/branch/{branch}} and {@code /tag/{rev|tag}}. */
final class RefsHandler {
  private final Commits commits;

  RefsHandler(Commits commits) {
    this.commits = commits;
  }

  /** {@code POST .../branch/{branch}} with {@code {startingPoint?, emptyBranch?, overwrite?}}. */
  void createBranch(Exchange ex, RepoType type, RepoId id, String branch) throws IOException {
    JsonNode body = ex.readJson();
    commits.createBranch(ex.caller(), type, id, branch, RepoHandler.text(body, "startingPoint"),
        body.path("emptyBranch").asBoolean(false), body.path("overwrite").asBoolean(false));
    ex.json(Json.object());
  }

  void deleteBranch(Exchange ex, RepoType type, RepoId id, String branch) throws IOException {
    commits.deleteBranch(ex.caller(), type, id, branch);
    ex.json(Json.object());
  }

  /** {@code POST .../tag/{revision}} with {@code {tag, message?}}: the path names what is tagged. */
  void createTag(Exchange ex, RepoType type, RepoId id, String revision) throws IOException {
    JsonNode body = ex.readJson();
    commits.createTag(ex.caller(), type, id, revision, RepoHandler.text(body, "tag"), RepoHandler.text(body, "message"));
    ex.json(Json.object());
  }

  void deleteTag(Exchange ex, RepoType type, RepoId id, String tag) throws IOException {
    commits.deleteTag(ex.caller(), type, id, tag);
    ex.json(Json.object());
  }
}
