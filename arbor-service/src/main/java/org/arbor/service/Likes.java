package org.arbor.service;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.storage.db.LikeRows;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.UserRow;
import org.arbor.storage.db.UserRows;

/**
 * Likes, as on the Hub: a signed-in user likes a repository they can see, once; the count is
 * public with the repository, and so are its likers and a user's likes, filtered by what the
 * caller may see (a like of a private repository never reveals it).
 */
public final class Likes {
  private final Access access;
  private final LikeRows likes;
  private final UserRows users;
  private final RepoEvents events;
  private final Clock clock;

  public Likes(Access access, LikeRows likes, UserRows users, RepoEvents events, Clock clock) {
    this.events = events;
    this.access = access;
    this.likes = likes;
    this.users = users;
    this.clock = clock;
  }

  /** A user who liked a repository. */
  public record Liker(String user, String fullname, Instant at) {}

  /** A repository a user liked. */
  public record Liked(String type, String repoId, Instant at) {}

  /** Likes a repository; liking it again changes nothing. Returns the new count. */
  public long like(Caller caller, RepoType type, RepoId id) throws IOException {
    Repo repo = access.readable(caller, type, id);
    requireUser(caller, "like");
    likes.like(repo.row().id(), caller.userId(), clock.instant());
    events.countersChanged(repo.row().id());
    return access.row(repo.row().id()).likes();
  }

  /** Takes a like back; unliking a repository not liked changes nothing. Returns the new count. */
  public long unlike(Caller caller, RepoType type, RepoId id) throws IOException {
    Repo repo = access.readable(caller, type, id);
    requireUser(caller, "unlike");
    likes.unlike(repo.row().id(), caller.userId(), clock.instant());
    events.countersChanged(repo.row().id());
    return access.row(repo.row().id()).likes();
  }

  /** One page of who liked a repository, newest first. */
  public Page<Liker> likers(Caller caller, RepoType type, RepoId id, int offset, int limit) throws IOException {
    Repo repo = access.readable(caller, type, id);
    List<LikeRows.Liker> rows = likes.likers(repo.row().id(), offset, limit);
    List<Liker> items = rows.stream().limit(limit).map(l -> new Liker(l.name(), l.fullname(), l.at())).toList();
    return new Page<>(items, rows.size() > limit, -1);
  }

  /** What a user liked, newest first, as far as the caller may see those repositories. */
  public List<Liked> likedBy(Caller caller, String userName) {
    UserRow user = users.findByName(userName)
        .orElseThrow(() -> HubException.entryNotFound("No user named " + userName));
    List<Liked> liked = new ArrayList<>();
    for (LikeRows.Liked like : likes.likedBy(user.id())) {
      RepoRow row = access.row(like.repoId()); // likes go with their repository, so it exists
      if (access.canRead(caller, row)) {
        liked.add(new Liked(row.type(), row.fullName(), like.at()));
      }
    }
    return liked;
  }

  private static void requireUser(Caller caller, String what) {
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("Sign in to " + what + " a repository: send a token");
    }
  }
}
