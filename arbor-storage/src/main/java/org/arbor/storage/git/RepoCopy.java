package org.arbor.storage.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.arbor.storage.CopyMismatchException;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * Copies repositories from one {@link GitRepos} to another, whatever stores them (folders on disk,
 * JGit DFS on object storage), through JGit's generic APIs only: the objects the target lacks go
 * over as one pack ({@link PackWriter} on the source, the target inserter's {@link PackParser}),
 * then the target's refs are set to the source's in one batch (refs the source lacks are deleted)
 * and HEAD is pointed where the source's points. Objects land before any ref names them, so an
 * interrupted copy leaves the target consistent, and running it again sends only what is missing.
 */
public final class RepoCopy {
  private final GitRepos source;
  private final GitRepos target;

  /** What one copy did: objects sent, refs created, moved or deleted (HEAD included). */
  public record Result(long objects, int refs) {}

  public RepoCopy(GitRepos source, GitRepos target) {
    this.source = source;
    this.target = target;
  }

  public Result copy(String key) throws IOException {
    Repository from = source.repository(key);
    Ref head = from.exactRef(Constants.HEAD);
    Repository to = targetOf(key, head);
    Map<String, ObjectId> wanted = refs(from);
    Map<String, ObjectId> present = refs(to);
    long objects = sendMissingObjects(from, to, new HashSet<>(wanted.values()), present.values());
    int refs = setRefs(to, key, wanted, present);
    if (head != null && head.isSymbolic() && !sameHead(head, to.exactRef(Constants.HEAD))) {
      RefUpdate.Result r = to.updateRef(Constants.HEAD).link(head.getTarget().getName());
      if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE) {
        throw new IOException("could not point HEAD of " + key + " at " + head.getTarget().getName() + ": " + r);
      }
      refs++;
    }
    return new Result(objects, refs);
  }

  /**
   * Checks that the target has the source's refs with the same ids and the same HEAD, and that
   * each ref's commit and its tree are readable there; returns how many refs.
   *
   * @throws CopyMismatchException naming what differs
   */
  public int verify(String key) throws IOException {
    Repository from = source.repository(key);
    Repository to = target.repository(key);
    Map<String, ObjectId> expected = refs(from);
    Map<String, ObjectId> actual = refs(to);
    if (!expected.equals(actual)) {
      List<String> differ = new ArrayList<>();
      for (String name : union(expected.keySet(), actual.keySet())) {
        ObjectId e = expected.get(name);
        ObjectId a = actual.get(name);
        if (e == null || !e.equals(a)) {
          differ.add(name + " " + (e == null ? "absent" : e.name()) + " in the source, " + (a == null ? "absent"
              : a.name()) + " in the copy");
        }
      }
      throw new CopyMismatchException("repository " + key + ": refs differ: " + String.join("; ", differ));
    }
    Ref head = from.exactRef(Constants.HEAD);
    Ref copiedHead = to.exactRef(Constants.HEAD);
    if (head != null && head.isSymbolic() && !sameHead(head, copiedHead)) {
      throw new CopyMismatchException("repository " + key + ": HEAD is " + head.getTarget().getName()
          + " in the source, " + (copiedHead == null ? "absent" : copiedHead.getTarget().getName()) + " in the copy");
    }
    try (RevWalk walk = new RevWalk(to); ObjectReader reader = to.newObjectReader()) {
      for (Map.Entry<String, ObjectId> ref : actual.entrySet()) {
        try {
          RevObject tip = walk.peel(walk.parseAny(ref.getValue()));
          if (tip instanceof RevCommit commit) {
            reader.open(commit.getTree()).getSize();
          }
        } catch (IOException e) {
          throw new CopyMismatchException("repository " + key + ": " + ref.getKey() + " "
              + ref.getValue().name() + " is not readable in the copy: " + e.getMessage());
        }
      }
    }
    return actual.size();
  }

  /** The target repository, created (HEAD as in the source) if it does not exist yet. */
  private Repository targetOf(String key, Ref head) throws IOException {
    try {
      return target.repository(key);
    } catch (IOException missing) {
      String branch = head != null && head.isSymbolic()
          ? Repository.shortenRefName(head.getTarget().getName()) : "main";
      target.create(key, branch);
      return target.repository(key);
    }
  }

  /** Sends the objects reachable from {@code wants} and not from {@code haves}; returns how many. */
  private static long sendMissingObjects(Repository from, Repository to, Set<ObjectId> wants,
      Iterable<ObjectId> targetTips) throws IOException {
    Set<ObjectId> haves = new HashSet<>();
    try (ObjectReader reader = from.newObjectReader()) {
      for (ObjectId tip : targetTips) {
        if (reader.has(tip)) {   // a tip the source no longer has says nothing about what it needs
          haves.add(tip);
        }
      }
    }
    if (haves.containsAll(wants)) {
      return 0;
    }
    Path pack = Files.createTempFile("arbor-repo-copy-", ".pack");
    try {
      long objects;
      try (PackWriter writer = new PackWriter(from); OutputStream out = Files.newOutputStream(pack)) {
        writer.setThin(false);   // every delta base goes in the pack: the target may have none
        writer.preparePack(NullProgressMonitor.INSTANCE, wants, haves);
        objects = writer.getObjectCount();
        writer.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, out);
      }
      try (ObjectInserter inserter = to.newObjectInserter(); InputStream in = Files.newInputStream(pack)) {
        PackParser parser = inserter.newPackParser(in);
        parser.setAllowThin(false);
        parser.parse(NullProgressMonitor.INSTANCE);
        inserter.flush();
      }
      return objects;
    } finally {
      Files.deleteIfExists(pack);
    }
  }

  /** Sets the target's refs to {@code wanted} in one batch; returns how many changed. */
  private static int setRefs(Repository to, String key, Map<String, ObjectId> wanted, Map<String, ObjectId> present)
      throws IOException {
    BatchRefUpdate batch = to.getRefDatabase().newBatchUpdate().setAllowNonFastForwards(true);
    for (String name : union(wanted.keySet(), present.keySet())) {
      ObjectId want = wanted.getOrDefault(name, ObjectId.zeroId());
      ObjectId have = present.getOrDefault(name, ObjectId.zeroId());
      if (!want.equals(have)) {
        batch.addCommand(new ReceiveCommand(have, want, name));
      }
    }
    if (batch.getCommands().isEmpty()) {
      return 0;
    }
    try (RevWalk walk = new RevWalk(to)) {
      batch.execute(walk, NullProgressMonitor.INSTANCE);
    }
    for (ReceiveCommand c : batch.getCommands()) {
      if (c.getResult() != ReceiveCommand.Result.OK) {
        throw new IOException("could not set " + c.getRefName() + " of " + key + " to " + c.getNewId().name() + ": "
            + c.getResult() + (c.getMessage() == null ? "" : " " + c.getMessage()));
      }
    }
    return batch.getCommands().size();
  }

  /** The repository's refs that name objects (not symbolic ones such as HEAD), by name. */
  private static Map<String, ObjectId> refs(Repository repo) throws IOException {
    Map<String, ObjectId> out = new TreeMap<>();
    for (Ref ref : repo.getRefDatabase().getRefs()) {
      if (!ref.isSymbolic() && ref.getObjectId() != null) {
        out.put(ref.getName(), ref.getObjectId());
      }
    }
    return out;
  }

  private static boolean sameHead(Ref head, Ref other) {
    return other != null && other.isSymbolic() && other.getTarget().getName().equals(head.getTarget().getName());
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
