package org.arbor.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.storage.db.RepoQuery;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;

/**
 * The model tree: a model's ancestors, from each card's {@code base_model} up, and the models
 * derived from it, counted by relation (finetune, adapter, merge, quantized; {@code other} where a
 * card names a base without saying how). Read from the {@code base_model:} tags every card's
 * metadata yields, so it is as current as the cards and respects what the caller may see.
 */
public final class Lineage {
  public static final List<String> RELATIONS = List.of("finetune", "adapter", "merge", "quantized");
  private static final String PREFIX = "base_model:";
  private static final int MAX_DEPTH = 32;
  private static final int MAX_CHILDREN = 100;

  private final Access access;
  private final RepoRows repos;

  public Lineage(Access access, RepoRows repos) {
    this.access = access;
    this.repos = repos;
  }

  /** A base model: its id, how its child relates to it, and whether this hub hosts it (for the caller). */
  public record Ancestor(String id, String relation, boolean hosted) {}

  /** A derived model and its relation to the model asked about. */
  public record Child(String id, String relation, long downloads, long likes) {}

  public record Tree(String id, List<Ancestor> ancestors, Map<String, Long> childCounts, long childTotal,
      List<Child> children) {}

  public Tree tree(Caller caller, RepoType type, RepoId id) throws IOException {
    if (type != RepoType.MODEL) {
      throw HubException.badRequest("The model tree is for models; datasets have no base_model");
    }
    RepoRow row = access.readable(caller, type, id).row();
    RepoRows.Viewer viewer = new RepoRows.Viewer(caller.namespaceKey(), caller.admin(), caller.userId());
    String self = row.fullName();

    List<Ancestor> ancestors = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>(List.of(self.toLowerCase()));
    List<String> tags = row.tags();
    while (ancestors.size() < MAX_DEPTH) {
      Optional<String> base = bases(tags).stream().findFirst();
      if (base.isEmpty() || !seen.add(base.get().toLowerCase())) {
        break; // the top, or a cycle of cards naming each other
      }
      Optional<RepoRow> parent = visible(caller, base.get());
      ancestors.add(new Ancestor(parent.map(RepoRow::fullName).orElse(base.get()), relation(tags, base.get()),
          parent.isPresent()));
      if (parent.isEmpty()) {
        break;
      }
      tags = parent.get().tags();
    }

    List<String> childTags = new ArrayList<>();
    childTags.add(PREFIX + self);
    RELATIONS.forEach(relation -> childTags.add(PREFIX + relation + ":" + self));
    Map<String, Long> byTag = repos.countByTag("model", childTags, viewer);
    Map<String, Long> counts = new LinkedHashMap<>();
    long related = 0;
    for (String relation : RELATIONS) {
      long n = byTag.getOrDefault(PREFIX + relation + ":" + self, 0L);
      counts.put(relation, n);
      related += n;
    }
    long total = byTag.getOrDefault(PREFIX + self, 0L);
    counts.put("other", Math.max(0, total - related));
    List<Child> children = new ArrayList<>();
    // the listing returns one row more than asked, to tell whether more follow
    for (RepoRow child : repos.list("model", byTag(PREFIX + self), viewer, 0, MAX_CHILDREN).stream()
        .limit(MAX_CHILDREN).toList()) {
      children.add(new Child(child.fullName(), relation(child.tags(), self), child.downloads(), child.likes()));
    }
    return new Tree(self, ancestors, counts, total, children);
  }

  /** The base models a card names, from its tags ({@code base_model:ns/name}). */
  private static List<String> bases(List<String> tags) {
    List<String> out = new ArrayList<>();
    for (String tag : tags) {
      if (tag.startsWith(PREFIX) && tag.indexOf(':', PREFIX.length()) < 0) {
        out.add(tag.substring(PREFIX.length()));
      }
    }
    return out;
  }

  private static String relation(List<String> tags, String base) {
    for (String relation : RELATIONS) {
      if (tags.contains(PREFIX + relation + ":" + base)) {
        return relation;
      }
    }
    return "other";
  }

  private Optional<RepoRow> visible(Caller caller, String id) {
    int slash = id.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    return repos.find("model", id.substring(0, slash), id.substring(slash + 1))
        .filter(r -> access.canRead(caller, r));
  }

  private static RepoQuery byTag(String tag) {
    return new RepoQuery(null, null, null, List.of(tag), RepoQuery.Sort.DOWNLOADS);
  }
}
