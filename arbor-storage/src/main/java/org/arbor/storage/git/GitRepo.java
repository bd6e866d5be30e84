package org.arbor.storage.git;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.arbor.core.GitHash;
import org.arbor.core.LfsPointer;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * One bare git repository: reads trees, blobs, refs and history, and writes commits and refs
 * without a working tree. Every ref move is a compare-and-swap. Revisions are resolved by name
 * only (no revspec syntax such as {@code main~1}), so a client string can never do more than name
 * a ref or a commit.
 */
public final class GitRepo {
  public static final String HEADS = Constants.R_HEADS;
  public static final String TAGS = Constants.R_TAGS;
  public static final String PULLS = "refs/pr/";
  private static final Pattern ABBREVIATED = Pattern.compile("[0-9a-f]{5,39}");

  private final Repository repo;

  GitRepo(Repository repo) {
    this.repo = repo;
  }

  // ---- revisions and refs -------------------------------------------------------------------

  /** The branch HEAD points at, e.g. {@code main}. */
  public String defaultBranch() throws IOException {
    Ref head = repo.exactRef(Constants.HEAD);
    if (head != null && head.isSymbolic()) {
      return Repository.shortenRefName(head.getTarget().getName());
    }
    return "main";
  }

  /**
   * Resolves a revision to a commit: {@code HEAD}, a full or abbreviated commit id, a branch, a
   * tag, or a full ref name ({@code refs/heads/x}, {@code refs/tags/x}, {@code refs/pr/1}).
   */
  public Optional<GitHash> resolve(String revision) throws IOException {
    if (revision.isEmpty() || revision.length() > 512) {
      return Optional.empty();
    }
    if (revision.equals(Constants.HEAD)) {
      return peel(repo.exactRef(Constants.HEAD));
    }
    if (GitHash.isFull(revision)) {
      return commitIfExists(ObjectId.fromString(revision));
    }
    List<String> names = revision.startsWith("refs/")
        ? List.of(revision)
        : List.of(HEADS + revision, TAGS + revision);
    for (String name : names) {
      if (Repository.isValidRefName(name)) {
        Optional<GitHash> target = peel(repo.exactRef(name));
        if (target.isPresent()) {
          return target;
        }
      }
    }
    if (ABBREVIATED.matcher(revision).matches()) {
      try (ObjectReader reader = repo.newObjectReader()) {
        Collection<ObjectId> matches = reader.resolve(AbbreviatedObjectId.fromString(revision));
        if (matches.size() == 1) {
          return commitIfExists(matches.iterator().next());
        }
      }
    }
    return Optional.empty();
  }

  /** True if {@code name} (short or full) names an existing branch, tag or other ref. */
  public boolean isRef(String name) throws IOException {
    List<String> names = name.startsWith("refs/") ? List.of(name) : List.of(HEADS + name, TAGS + name);
    for (String candidate : names) {
      if (Repository.isValidRefName(candidate) && repo.exactRef(candidate) != null) {
        return true;
      }
    }
    return false;
  }

  public Optional<GitHash> ref(String fullName) throws IOException {
    return Repository.isValidRefName(fullName) ? peel(repo.exactRef(fullName)) : Optional.empty();
  }

  /** Refs under {@code prefix} (e.g. {@link #HEADS}), sorted by name, tags peeled to their commit. */
  public List<GitRef> refs(String prefix) throws IOException {
    List<GitRef> out = new ArrayList<>();
    for (Ref ref : repo.getRefDatabase().getRefsByPrefix(prefix)) {
      Optional<GitHash> target = peel(ref);
      if (target.isPresent()) {
        String shortName = prefix.equals(PULLS) ? ref.getName() : ref.getName().substring(prefix.length());
        out.add(new GitRef(shortName, ref.getName(), target.get()));
      }
    }
    out.sort((a, b) -> a.ref().compareTo(b.ref()));
    return out;
  }

  /** Points a new ref at {@code target}; fails if it exists, unless {@code overwrite}. */
  public void createRef(String fullName, GitHash target, boolean overwrite) throws IOException, RefConflictException {
    RefUpdate update = repo.updateRef(fullName);
    update.setNewObjectId(ObjectId.fromString(target.hex()));
    if (!overwrite) {
      update.setExpectedOldObjectId(ObjectId.zeroId());
    }
    update.setForceUpdate(true);
    RefUpdate.Result result = update.update();
    switch (result) {
      case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> { }
      case LOCK_FAILURE, REJECTED -> throw new RefConflictException(fullName);
      default -> throw new IOException("could not create " + fullName + ": " + result);
    }
  }

  /** Creates an annotated tag object for {@code target} and points {@code refs/tags/name} at it. */
  public void createAnnotatedTag(String name, GitHash target, String message, String taggerName,
      String taggerEmail, java.time.Instant when) throws IOException, RefConflictException {
    PersonIdent tagger = new PersonIdent(taggerName, taggerEmail, when, java.time.ZoneOffset.UTC);
    ObjectId tagId;
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      TagBuilder tag = new TagBuilder();
      tag.setTag(name);
      tag.setObjectId(ObjectId.fromString(target.hex()), Constants.OBJ_COMMIT);
      tag.setTagger(tagger);
      tag.setMessage(message.endsWith("\n") ? message : message + "\n");
      tagId = inserter.insert(tag);
      inserter.flush();
    }
    RefUpdate update = repo.updateRef(TAGS + name);
    update.setNewObjectId(tagId);
    update.setExpectedOldObjectId(ObjectId.zeroId());
    RefUpdate.Result result = update.update();
    if (result != RefUpdate.Result.NEW) {
      throw new RefConflictException(TAGS + name);
    }
  }

  /** Deletes a ref; returns false if it did not exist. */
  public boolean deleteRef(String fullName) throws IOException {
    Ref ref = Repository.isValidRefName(fullName) ? repo.exactRef(fullName) : null;
    if (ref == null) {
      return false;
    }
    RefUpdate update = repo.updateRef(fullName);
    update.setExpectedOldObjectId(ref.getObjectId());
    update.setForceUpdate(true);
    RefUpdate.Result result = update.delete();
    if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.NO_CHANGE) {
      throw new IOException("could not delete " + fullName + ": " + result);
    }
    return true;
  }

  public static boolean isValidRefName(String fullName) {
    return Repository.isValidRefName(fullName);
  }

  // ---- trees and blobs ----------------------------------------------------------------------

  /** The entry at {@code path} in the tree of {@code commit}; the empty path is the root folder. */
  public Optional<GitEntry> entry(GitHash commit, String path) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit.hex()));
      if (path.isEmpty()) {
        return Optional.of(new GitEntry("", GitEntry.Kind.DIRECTORY, hash(c.getTree()), 0, Optional.empty()));
      }
      try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
        if (tw == null) {
          return Optional.empty();
        }
        return Optional.of(toEntry(tw, walk.getObjectReader()));
      }
    }
  }

  /**
   * The entries below the folder {@code folder} ("" for the root): direct children, or with
   * {@code recursive} every file and folder beneath it. Paths are relative to the repo root.
   */
  public List<GitEntry> list(GitHash commit, String folder, boolean recursive) throws IOException {
    List<GitEntry> out = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit.hex()));
      ObjectId root = c.getTree();
      if (!folder.isEmpty()) {
        try (TreeWalk find = TreeWalk.forPath(repo, folder, c.getTree())) {
          if (find == null || !find.isSubtree()) {
            return List.of();
          }
          root = find.getObjectId(0);
        }
      }
      tw.addTree(root);
      tw.setRecursive(false);
      String prefix = folder.isEmpty() ? "" : folder + "/";
      while (tw.next()) {
        GitEntry entry = toEntry(tw, walk.getObjectReader());
        out.add(new GitEntry(prefix + entry.path(), entry.kind(), entry.oid(), entry.size(), entry.lfs()));
        if (recursive && tw.isSubtree()) {
          tw.enterSubtree();
        }
      }
    }
    return out;
  }

  /** Every file (not folder) of the tree at {@code commit}, recursively. */
  public List<GitEntry> files(GitHash commit) throws IOException {
    String where = repo.getIdentifier();
    List<GitEntry> cached = FileLists.get(where, commit.hex());
    if (cached != null) {
      return cached;
    }
    List<GitEntry> files = list(commit, "", true).stream().filter(e -> !e.isDirectory()).toList();
    FileLists.put(where, commit.hex(), files);
    return files;
  }

  /** Reads a blob whole; for small files only (the caller bounds the size). */
  public byte[] readBlob(GitHash blob, int maxBytes) throws IOException {
    return repo.open(ObjectId.fromString(blob.hex()), Constants.OBJ_BLOB).getCachedBytes(maxBytes);
  }

  public InputStream openBlob(GitHash blob) throws IOException {
    return repo.open(ObjectId.fromString(blob.hex()), Constants.OBJ_BLOB).openStream();
  }

  /** Writes blobs for a commit; they are durable after {@link BlobWriter#flush()}. */
  public BlobWriter newBlobWriter() {
    return new BlobWriter(repo);
  }

  // ---- history ------------------------------------------------------------------------------

  public GitCommit commit(GitHash id) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      return toCommit(walk.parseCommit(ObjectId.fromString(id.hex())));
    }
  }

  /**
   * The files {@code commit} changed against its first parent, up to {@code maxFiles}, with text
   * hunks for files up to {@code maxPatchBytes}.
   */
  public List<FileDiff> diff(GitHash commit, int maxFiles, int maxPatchBytes) throws IOException {
    return GitDiffs.of(repo, ObjectId.fromString(commit.hex()), maxFiles, maxPatchBytes);
  }

  /** Commits reachable from {@code from}, newest first, skipping {@code skip} and returning at most {@code limit}. */
  public List<GitCommit> log(GitHash from, int skip, int limit) throws IOException {
    List<GitCommit> out = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo)) {
      walk.sort(RevSort.COMMIT_TIME_DESC);
      walk.markStart(walk.parseCommit(ObjectId.fromString(from.hex())));
      int index = 0;
      for (RevCommit c : walk) {
        if (index++ < skip) {
          continue;
        }
        if (out.size() >= limit) {
          break;
        }
        out.add(toCommit(c));
      }
    }
    return out;
  }

  public int countCommits(GitHash from) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      walk.setRetainBody(false);
      walk.markStart(walk.parseCommit(ObjectId.fromString(from.hex())));
      int count = 0;
      while (walk.next() != null) {
        count++;
      }
      return count;
    }
  }

  /** The newest commit reachable from {@code from} that changed {@code path}. */
  public Optional<GitCommit> lastCommitTouching(GitHash from, String path) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      walk.sort(RevSort.COMMIT_TIME_DESC);
      walk.setTreeFilter(AndTreeFilter.create(PathFilter.create(path), TreeFilter.ANY_DIFF));
      walk.markStart(walk.parseCommit(ObjectId.fromString(from.hex())));
      RevCommit c = walk.next();
      return c == null ? Optional.empty() : Optional.of(toCommit(c));
    }
  }

  /**
   * Every file version added or changed by the commits reachable from {@code tips} but from no
   * existing ref: what a push brings that the repository has not vetted yet. Each commit is
   * compared with its first parent; a blob that appears at several paths is listed at each.
   */
  public List<GitEntry> introducedFiles(Collection<GitHash> tips) throws IOException {
    List<GitEntry> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (RevWalk walk = new RevWalk(repo)) {
      for (GitHash tip : tips) {
        RevObject object = walk.peel(walk.parseAny(ObjectId.fromString(tip.hex())));
        if (object instanceof RevCommit c) {
          walk.markStart(c);
        }
      }
      for (Ref ref : repo.getRefDatabase().getRefs()) {
        if (ref.getObjectId() == null) {
          continue;
        }
        RevObject object = walk.peel(walk.parseAny(ref.getObjectId()));
        if (object instanceof RevCommit c) {
          walk.markUninteresting(c);
        }
      }
      ObjectReader reader = walk.getObjectReader();
      for (RevCommit c = walk.next(); c != null; c = walk.next()) {
        try (TreeWalk tw = new TreeWalk(reader)) {
          tw.setRecursive(true);
          if (c.getParentCount() == 0) {
            tw.addTree(c.getTree());
          } else {
            tw.addTree(walk.parseCommit(c.getParent(0)).getTree());
            tw.addTree(c.getTree());
            tw.setFilter(TreeFilter.ANY_DIFF);
          }
          int index = tw.getTreeCount() - 1;
          while (tw.next()) {
            if (tw.getRawMode(index) == 0 || FileMode.GITLINK.equals(tw.getRawMode(index))) {
              continue; // deleted here, or a submodule
            }
            if (seen.add(tw.getPathString() + "\0" + tw.getObjectId(index).name())) {
              out.add(blobEntry(tw.getPathString(), tw.getObjectId(index), reader));
            }
          }
        }
      }
    }
    return out;
  }

  // ---- writing commits ----------------------------------------------------------------------

  /**
   * Writes a commit applying {@code spec.changes()} to the tree of {@code spec.parent()} and moves
   * {@code spec.ref()} to it only if the ref still is where the spec expects it.
   *
   * @throws RefConflictException if the ref moved meanwhile; nothing visible changed
   * @throws TreeConflictException if a change cannot apply to the parent's tree
   */
  public GitHash commit(CommitSpec spec) throws IOException, RefConflictException, TreeConflictException {
    try (ObjectInserter inserter = repo.newObjectInserter(); ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      DirCache index = DirCache.newInCore();
      RevCommit parent = null;
      if (spec.parent().isPresent()) {
        parent = walk.parseCommit(ObjectId.fromString(spec.parent().get().hex()));
        DirCacheBuilder builder = index.builder();
        builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, parent.getTree());
        builder.finish();
      }
      apply(index, spec.changes());
      ObjectId tree = index.writeTree(inserter);

      CommitBuilder commit = new CommitBuilder();
      PersonIdent author = new PersonIdent(spec.authorName(), spec.authorEmail(),
          spec.when(), TimeZone.getTimeZone("UTC").toZoneId());
      commit.setAuthor(author);
      commit.setCommitter(author);
      commit.setMessage(spec.message());
      commit.setTreeId(tree);
      if (parent != null) {
        commit.setParentId(parent);
      }
      ObjectId id = inserter.insert(commit);
      inserter.flush();

      RefUpdate update = repo.updateRef(spec.ref());
      update.setNewObjectId(id);
      update.setExpectedOldObjectId(spec.createRef() || parent == null ? ObjectId.zeroId() : parent);
      update.setRefLogMessage("commit: " + firstLine(spec.message()), false);
      update.setForceUpdate(true); // the expected old id is the guard, not fast-forwardness
      RefUpdate.Result result = update.update(walk);
      switch (result) {
        case NEW, FAST_FORWARD, FORCED -> {
          return hash(id);
        }
        case LOCK_FAILURE, REJECTED -> throw new RefConflictException(spec.ref());
        default -> throw new IOException("could not update " + spec.ref() + ": " + result);
      }
    }
  }

  /** Writes a root commit with an empty tree, moving no ref; for new empty branches. */
  public GitHash emptyCommit(String authorName, String authorEmail, String message, java.time.Instant when)
      throws IOException {
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      ObjectId tree = inserter.insert(new org.eclipse.jgit.lib.TreeFormatter());
      CommitBuilder commit = new CommitBuilder();
      PersonIdent author = new PersonIdent(authorName, authorEmail, when, java.time.ZoneOffset.UTC);
      commit.setAuthor(author);
      commit.setCommitter(author);
      commit.setMessage(message);
      commit.setTreeId(tree);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return hash(id);
    }
  }

  private static void apply(DirCache index, List<TreeChange> changes) throws TreeConflictException {
    java.util.Set<String> puts = new java.util.HashSet<>();
    for (TreeChange change : changes) {
      if (change instanceof TreeChange.Put) {
        puts.add(change.path());
      }
    }
    for (String path : puts) { // JGit's editor would silently let the folder win
      for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
        if (puts.contains(path.substring(0, slash))) {
          throw TreeConflictException.collides(path, "this commit also adds a file '" + path.substring(0, slash) + "'");
        }
      }
    }
    DirCacheEditor editor = index.editor();
    for (TreeChange change : changes) {
      switch (change) {
        case TreeChange.Put put -> {
          checkCanPut(index, put.path());
          ObjectId blob = ObjectId.fromString(put.blob().hex());
          editor.add(new DirCacheEditor.PathEdit(put.path()) {
            @Override
            public void apply(DirCacheEntry entry) {
              entry.setFileMode(FileMode.REGULAR_FILE);
              entry.setObjectId(blob);
            }
          });
        }
        case TreeChange.DeleteFile delete -> {
          if (index.findEntry(delete.path()) < 0) {
            throw TreeConflictException.missing(delete.path());
          }
          editor.add(new DirCacheEditor.DeletePath(delete.path()));
        }
        case TreeChange.DeleteFolder delete -> {
          if (index.getEntriesWithin(delete.path()).length == 0) {
            throw TreeConflictException.missing(delete.path());
          }
          editor.add(new DirCacheEditor.DeleteTree(delete.path()));
        }
      }
    }
    try {
      editor.finish();
    } catch (org.eclipse.jgit.errors.DirCacheNameConflictException e) {
      throw TreeConflictException.collides(e.getPath1(), "it conflicts with " + e.getPath2() + " in this commit");
    }
  }

  /** A file may not take the place of a folder, nor sit below a path that is a file. */
  private static void checkCanPut(DirCache index, String path) throws TreeConflictException {
    if (index.getEntriesWithin(path).length > 0) {
      throw TreeConflictException.collides(path, "a folder with this name exists");
    }
    for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
      String parent = path.substring(0, slash);
      if (index.findEntry(parent) >= 0) {
        throw TreeConflictException.collides(path, "'" + parent + "' is a file");
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Optional<GitHash> peel(Ref ref) throws IOException {
    if (ref == null || ref.getObjectId() == null) {
      return Optional.empty();
    }
    try (RevWalk walk = new RevWalk(repo)) {
      RevObject object = walk.peel(walk.parseAny(ref.getObjectId()));
      return object instanceof RevCommit c ? Optional.of(hash(c)) : Optional.empty();
    } catch (MissingObjectException e) {
      return Optional.empty();
    }
  }

  private Optional<GitHash> commitIfExists(ObjectId id) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevObject object = walk.parseAny(id);
      return object instanceof RevCommit c ? Optional.of(hash(c)) : Optional.empty();
    } catch (MissingObjectException e) {
      return Optional.empty();
    }
  }

  private static GitEntry toEntry(TreeWalk tw, ObjectReader reader) throws IOException {
    ObjectId id = tw.getObjectId(0);
    String path = tw.getPathString();
    if (tw.isSubtree()) {
      return new GitEntry(path, GitEntry.Kind.DIRECTORY, hash(id), 0, Optional.empty());
    }
    return blobEntry(path, id, reader);
  }

  private static GitEntry blobEntry(String path, ObjectId id, ObjectReader reader) throws IOException {
    long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
    Optional<LfsPointer> lfs = Optional.empty();
    if (size <= LfsPointer.MAX_POINTER_SIZE) {
      lfs = LfsPointer.parse(reader.open(id, Constants.OBJ_BLOB).getCachedBytes(LfsPointer.MAX_POINTER_SIZE));
    }
    return new GitEntry(path, GitEntry.Kind.FILE, hash(id), size, lfs);
  }

  private static GitCommit toCommit(RevCommit c) {
    PersonIdent author = c.getAuthorIdent();
    List<GitHash> parents = new ArrayList<>();
    for (RevCommit p : c.getParents()) {
      parents.add(hash(p));
    }
    return new GitCommit(hash(c), c.getShortMessage(), c.getFullMessage(), author.getName(),
        author.getEmailAddress(), author.getWhenAsInstant(), List.copyOf(parents));
  }

  static GitHash hash(ObjectId id) {
    return new GitHash(id.name());
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
