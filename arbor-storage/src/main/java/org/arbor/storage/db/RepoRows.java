package org.arbor.storage.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for repositories and their tags. */
public final class RepoRows {
  private final Jdbi jdbi;

  public RepoRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** Inserts a repository row; returns empty if one with the same type and id (any case) exists. */
  public Optional<RepoRow> insert(String id, String type, String namespace, String name, boolean isPrivate,
      Instant now) {
    int inserted = jdbi.withHandle(h -> h.createUpdate("""
            INSERT INTO repos (id, type, namespace, name, namespace_key, repo_key, private, gated,
                               created_at, last_modified)
            VALUES (:id, :type, :ns, :name, :nsKey, :key, :private, 'false', :now, :now)
            ON CONFLICT (type, repo_key) DO NOTHING""")
        .bind("id", id).bind("type", type).bind("ns", namespace).bind("name", name)
        .bind("nsKey", lower(namespace)).bind("key", key(namespace, name))
        .bind("private", isPrivate).bind("now", now.toEpochMilli())
        .execute());
    return inserted == 1 ? findById(id) : Optional.empty();
  }

  public Optional<RepoRow> find(String type, String namespace, String name) {
    return jdbi.withHandle(h -> withTags(h, h.createQuery("SELECT * FROM repos WHERE type = :type AND repo_key = :key")
        .bind("type", type).bind("key", key(namespace, name))
        .map(RepoRows::map).findOne()));
  }

  public Optional<RepoRow> findById(String id) {
    return jdbi.withHandle(h -> withTags(h, h.createQuery("SELECT * FROM repos WHERE id = :id")
        .bind("id", id).map(RepoRows::map).findOne()));
  }

  public void updateVisibility(String id, boolean isPrivate) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE repos SET private = :p WHERE id = :id")
        .bind("p", isPrivate).bind("id", id).execute());
  }

  /** Sets the repository's unsafe-file policy; null returns it to the instance's. */
  public void updateScanPolicy(String id, String policy) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE repos SET scan_policy = :p WHERE id = :id")
        .bind("p", policy).bind("id", id).execute());
  }

  public void updateGated(String id, String gated) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE repos SET gated = :g WHERE id = :id")
        .bind("g", gated).bind("id", id).execute());
  }

  /** Renames a repository; returns false if the target name is taken. Storage does not move. */
  public boolean rename(String id, String type, String namespace, String name) {
    return jdbi.withHandle(h -> {
      boolean taken = h.createQuery("SELECT COUNT(*) FROM repos WHERE type = :type AND repo_key = :key AND id <> :id")
          .bind("type", type).bind("key", key(namespace, name)).bind("id", id).mapTo(Long.class).one() > 0;
      if (taken) {
        return false;
      }
      h.createUpdate("""
              UPDATE repos SET namespace = :ns, name = :name, namespace_key = :nsKey, repo_key = :key
              WHERE id = :id""")
          .bind("ns", namespace).bind("name", name).bind("nsKey", lower(namespace))
          .bind("key", key(namespace, name)).bind("id", id).execute();
      return true;
    });
  }

  /** Every repository's id and the head commit of its default branch (null before its first commit). */
  public List<String[]> heads() {
    return jdbi.withHandle(h -> h.createQuery("SELECT id, head_sha FROM repos WHERE head_sha IS NOT NULL")
        .map((rs, ctx) -> new String[] {rs.getString("id"), rs.getString("head_sha")}).list());
  }

  public void delete(String id) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM repos WHERE id = :id").bind("id", id).execute());
  }

  /** Records what the new head of the default branch says about the repository. */
  public void updateHead(String id, String headSha, Instant lastModified, String cardData,
      String pipelineTag, String libraryName, List<String> tags) {
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              UPDATE repos SET head_sha = :sha, last_modified = :modified, card_data = :card,
                               pipeline_tag = :pipeline, library_name = :library
              WHERE id = :id""")
          .bind("sha", headSha).bind("modified", lastModified.toEpochMilli()).bind("card", cardData)
          .bind("pipeline", pipelineTag).bind("library", libraryName).bind("id", id).execute();
      h.createUpdate("DELETE FROM repo_tags WHERE repo_id = :id").bind("id", id).execute();
      for (String tag : tags) {
        h.createUpdate("INSERT INTO repo_tags (repo_id, tag) VALUES (:id, :tag) ON CONFLICT DO NOTHING")
            .bind("id", id).bind("tag", tag).execute();
      }
    });
  }

  /**
   * One page of the repositories of {@code type} that {@code viewer} may see, filtered and sorted.
   * Returns up to {@code limit + 1} rows so the caller can tell whether another page follows.
   */
  public List<RepoRow> list(String type, RepoQuery query, Viewer viewer, int offset, int limit) {
    Map<String, Object> binds = new HashMap<>();
    StringBuilder sql = new StringBuilder("SELECT r.* FROM ");
    if (query.tags().isEmpty()) {
      sql.append("repos r WHERE ");
    } else {
      // Start from the first tag's index entries: tags are selective, repositories of a type are
      // not. CROSS JOIN keeps SQLite's planner (which has no statistics) to that order.
      sql.append("repo_tags t0 CROSS JOIN repos r WHERE r.id = t0.repo_id AND t0.tag = :firstTag AND ");
      binds.put("firstTag", query.tags().getFirst());
    }
    sql.append(where(type, query, viewer, binds));
    sql.append(" ORDER BY ").append(query.sort().column()).append(query.sort() == RepoQuery.Sort.ID ? " ASC" : " DESC")
        .append(", r.repo_key ASC LIMIT :limit OFFSET :offset");
    binds.put("limit", limit + 1);
    binds.put("offset", offset);
    return jdbi.withHandle(h -> {
      Query q = h.createQuery(sql.toString());
      binds.forEach(q::bind);
      return withTags(h, q.map(RepoRows::map).list());
    });
  }

  /** The rows with these ids, with their tags, keyed by id; ids with no row are left out. */
  public Map<String, RepoRow> findByIds(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    return jdbi.withHandle(h -> {
      Map<String, RepoRow> out = new HashMap<>();
      for (RepoRow row : withTags(h, h.createQuery("SELECT * FROM repos WHERE id IN (<ids>)")
          .bindList("ids", List.copyOf(ids)).map(RepoRows::map).list())) {
        out.put(row.id(), row);
      }
      return out;
    });
  }

  /** Every repository with its tags, handed over in batches of up to {@code batch} rows, in id order. */
  public void forEach(int batch, Consumer<List<RepoRow>> consumer) {
    String after = "";
    while (true) {
      String from = after;
      List<RepoRow> rows = jdbi.withHandle(h -> withTags(h,
          h.createQuery("SELECT * FROM repos WHERE id > :after ORDER BY id LIMIT :batch")
              .bind("after", from).bind("batch", batch).map(RepoRows::map).list()));
      if (rows.isEmpty()) {
        return;
      }
      consumer.accept(rows);
      after = rows.getLast().id();
    }
  }

  /** The rows given, each with its tags, loaded in one query. */
  private static List<RepoRow> withTags(Handle h, List<RepoRow> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    Map<String, List<String>> tags = new HashMap<>();
    h.createQuery("SELECT repo_id, tag FROM repo_tags WHERE repo_id IN (<ids>) ORDER BY repo_id, tag")
        .bindList("ids", rows.stream().map(RepoRow::id).toList())
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
        .forEach(pair -> tags.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]));
    List<RepoRow> out = new ArrayList<>(rows.size());
    for (RepoRow row : rows) {
      out.add(withTags(row, tags.getOrDefault(row.id(), List.of())));
    }
    return out;
  }

  /**
   * For each of {@code tags}, how many repositories of {@code type} the viewer may see carry it,
   * in one grouped query; tags nobody carries are absent from the map.
   */
  public Map<String, Long> countByTag(String type, Collection<String> tags, Viewer viewer) {
    if (tags.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> binds = new HashMap<>();
    // From the tags' index entries outward (see list): CROSS JOIN fixes that order for SQLite.
    String sql = "SELECT t.tag, COUNT(*) FROM repo_tags t CROSS JOIN repos r WHERE r.id = t.repo_id"
        + " AND t.tag IN (<tags>) AND "
        + where(type, new RepoQuery(null, null, null, List.of(), RepoQuery.Sort.ID), viewer, binds)
        + " GROUP BY t.tag";
    return jdbi.withHandle(h -> {
      Query q = h.createQuery(sql).bindList("tags", List.copyOf(tags));
      binds.forEach(q::bind);
      Map<String, Long> out = new HashMap<>();
      q.map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    });
  }

  /** The WHERE clause of a listing: the type, what the viewer may see, and the query's filters. */
  private static String where(String type, RepoQuery query, Viewer viewer, Map<String, Object> binds) {
    StringBuilder sql = new StringBuilder("r.type = :type");
    binds.put("type", type);
    if (!viewer.admin()) {
      sql.append(" AND (r.private = FALSE OR r.namespace_key = :viewer OR r.namespace_key IN (SELECT o.name_key"
          + " FROM orgs o JOIN org_members m ON m.org_id = o.id WHERE m.user_id = :viewerId))");
      binds.put("viewer", viewer.namespaceKey() == null ? "" : viewer.namespaceKey());
      binds.put("viewerId", viewer.userId() == null ? "" : viewer.userId());
    }
    if (query.search() != null && !query.search().isBlank()) {
      sql.append(" AND r.repo_key LIKE :search ESCAPE '!'");
      binds.put("search", "%" + escapeLike(lower(query.search().trim())) + "%");
    }
    if (query.author() != null && !query.author().isBlank()) {
      sql.append(" AND r.namespace_key = :author");
      binds.put("author", lower(query.author()));
    }
    if (query.pipelineTag() != null && !query.pipelineTag().isBlank()) {
      sql.append(" AND r.pipeline_tag = :pipeline");
      binds.put("pipeline", query.pipelineTag());
    }
    int i = 0;
    for (String tag : query.tags()) {
      String bind = "tag" + i++;
      sql.append(" AND EXISTS (SELECT 1 FROM repo_tags t WHERE t.repo_id = r.id AND t.tag = :").append(bind).append(')');
      binds.put(bind, tag);
    }
    return sql.toString();
  }

  /** Who is listing: their namespace (lower-case), their user id (for organisations), whether they see everything. */
  public record Viewer(String namespaceKey, boolean admin, String userId) {
    public Viewer(String namespaceKey, boolean admin) {
      this(namespaceKey, admin, null);
    }
  }

  private static Optional<RepoRow> withTags(Handle h, Optional<RepoRow> row) {
    if (row.isEmpty()) {
      return row;
    }
    List<String> tags = h.createQuery("SELECT tag FROM repo_tags WHERE repo_id = :id ORDER BY tag")
        .bind("id", row.get().id()).mapTo(String.class).list();
    return Optional.of(withTags(row.get(), tags));
  }

  private static RepoRow withTags(RepoRow r, List<String> tags) {
    return new RepoRow(r.id(), r.type(), r.namespace(), r.name(), r.isPrivate(), r.gated(),
        r.createdAt(), r.lastModified(), r.headSha(), r.cardData(), r.pipelineTag(), r.libraryName(),
        r.downloads(), r.downloadsAllTime(), r.likes(), r.trendingScore(), tags, r.scanPolicy());
  }

  private static String key(String namespace, String name) {
    return lower(namespace + "/" + name);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String escapeLike(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  static RepoRow map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new RepoRow(rs.getString("id"), rs.getString("type"), rs.getString("namespace"),
        rs.getString("name"), rs.getBoolean("private"), rs.getString("gated"),
        Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("last_modified")),
        rs.getString("head_sha"), rs.getString("card_data"), rs.getString("pipeline_tag"),
        rs.getString("library_name"), rs.getLong("downloads"), rs.getLong("downloads_all_time"), rs.getLong("likes"), rs.getLong("trending_score"), List.of(),
        rs.getString("scan_policy"));
  }
}
