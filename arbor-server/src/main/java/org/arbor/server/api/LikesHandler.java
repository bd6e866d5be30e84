package org.arbor.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.Likes;
import org.arbor.service.Page;

/**
 * Likes: {@code POST|DELETE /api/T/ns/name/like}, {@code GET /api/T/ns/name/likers} and
 * {@code GET /api/users/{user}/likes}, in the shapes huggingface_hub's {@code unlike},
 * {@code list_repo_likers} and {@code list_liked_repos} read.
 */
final class LikesHandler {
  private static final int PAGE = 100;

  private final Likes likes;

  LikesHandler(Likes likes) {
    this.likes = likes;
  }

  void like(Exchange ex, RepoType type, RepoId id) throws IOException {
    ex.json(Json.object().put("likes", likes.like(ex.caller(), type, id)));
  }

  void unlike(Exchange ex, RepoType type, RepoId id) throws IOException {
    ex.json(Json.object().put("likes", likes.unlike(ex.caller(), type, id)));
  }

  /** Who liked the repository, newest first, paginated with Link. */
  void likers(Exchange ex, RepoType type, RepoId id) throws IOException {
    int offset = ex.cursor();
    Page<Likes.Liker> page = likes.likers(ex.caller(), type, id, offset, PAGE);
    ArrayNode out = Json.array();
    page.items().forEach(l -> out.addObject().put("user", l.user())
        .put("fullname", l.fullname() != null ? l.fullname() : l.user())
        .put("avatarUrl", "").put("type", "user").put("likedAt", Json.date(l.at())));
    if (page.hasMore()) {
      ex.header(HfHeaders.LINK, ex.nextLink(offset + PAGE));
    }
    ex.json(out);
  }

  /** What a user liked, as far as the caller may see. */
  void liked(Exchange ex, String user) throws IOException {
    ArrayNode out = Json.array();
    for (Likes.Liked l : likes.likedBy(ex.caller(), user)) {
      out.addObject().put("createdAt", Json.date(l.at()))
          .putObject("repo").put("name", l.repoId()).put("type", l.type());
    }
    ex.json(out);
  }
}
