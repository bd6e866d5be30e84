package org.arbor.storage.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.arbor.storage.CopyMismatchException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repositories copied between two stores through generic JGit APIs: objects, refs, HEAD, and again after changes. */
class RepoCopyTest {
  static final String KEY = "abcdef0123456789";
  static final PersonIdent WHO = new PersonIdent("t", "t@example.org", 1_700_000_000_000L, 0);

  @TempDir Path dir;
  GitRepos source;
  GitRepos target;
  Repository repo;

  @BeforeEach
  void open() throws IOException {
    source = new GitRepos(dir.resolve("source"));
    target = new GitRepos(dir.resolve("target"));
    source.create(KEY, "trunk");
    repo = source.repository(KEY);
  }

  @AfterEach
  void close() {
    source.close();
    target.close();
  }

  @Test
  void branches_tags_and_head_arrive_and_a_second_copy_sends_nothing() throws IOException {
    ObjectId first = commit("one", null);
    ObjectId second = commit("two", first);
    set("refs/heads/trunk", second);
    set("refs/heads/dev", first);
    set("refs/tags/v1", tag(first));

    RepoCopy copy = new RepoCopy(source, target);
    RepoCopy.Result result = copy.copy(KEY);

    assertThat(result.objects()).as("2 commits, 2 trees, 2 blobs, 1 tag").isEqualTo(7);
    assertThat(result.refs()).isEqualTo(3);
    assertThat(copy.verify(KEY)).isEqualTo(3);
    assertThat(target.repository(KEY).exactRef(Constants.HEAD).getTarget().getName()).isEqualTo("refs/heads/trunk");
    assertThat(copy.copy(KEY)).isEqualTo(new RepoCopy.Result(0, 0));
  }

  @Test
  void a_rewritten_branch_and_a_deleted_one_converge() throws IOException {
    ObjectId first = commit("one", null);
    set("refs/heads/trunk", first);
    set("refs/heads/dev", first);
    RepoCopy copy = new RepoCopy(source, target);
    copy.copy(KEY);

    ObjectId rewritten = commit("other history", null);
    set("refs/heads/trunk", rewritten);
    RefUpdate delete = repo.updateRef("refs/heads/dev");
    delete.setForceUpdate(true);
    delete.delete();
    RepoCopy.Result again = copy.copy(KEY);

    assertThat(again).isEqualTo(new RepoCopy.Result(3, 2));
    assertThat(copy.verify(KEY)).isEqualTo(1);
    assertThat(target.repository(KEY).exactRef("refs/heads/dev")).isNull();
  }

  @Test
  void a_copy_missing_a_ref_fails_verification_naming_it() throws IOException {
    set("refs/heads/trunk", commit("one", null));
    RepoCopy copy = new RepoCopy(source, target);
    copy.copy(KEY);
    set("refs/heads/extra", repo.resolve("refs/heads/trunk"));

    assertThatThrownBy(() -> copy.verify(KEY)).isInstanceOf(CopyMismatchException.class)
        .hasMessageContaining("repository " + KEY + ": refs differ: refs/heads/extra")
        .hasMessageContaining("absent in the copy");
  }

  private ObjectId commit(String content, ObjectId parent) throws IOException {
    try (ObjectInserter ins = repo.newObjectInserter()) {
      TreeFormatter tree = new TreeFormatter();
      tree.append("file.txt", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, content.getBytes(UTF_8)));
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(ins.insert(tree));
      c.setAuthor(WHO);
      c.setCommitter(WHO);
      c.setMessage(content);
      if (parent != null) {
        c.setParentId(parent);
      }
      ObjectId id = ins.insert(c);
      ins.flush();
      return id;
    }
  }

  private ObjectId tag(ObjectId commit) throws IOException {
    try (ObjectInserter ins = repo.newObjectInserter()) {
      TagBuilder t = new TagBuilder();
      t.setObjectId(commit, Constants.OBJ_COMMIT);
      t.setTag("v1");
      t.setTagger(WHO);
      t.setMessage("v1");
      ObjectId id = ins.insert(t);
      ins.flush();
      return id;
    }
  }

  private void set(String name, ObjectId id) throws IOException {
    RefUpdate u = repo.updateRef(name);
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    u.update();
  }
}
