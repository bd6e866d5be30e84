package org.arbor.storage.git.dfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * An atomic batch of ref changes (what a push with {@code --atomic}, or a hub that asks for it,
 * applies): every command lands, or none does. A command whose ref moved since the client looked
 * fails with LOCK_FAILURE and the others are aborted. Non-atomic batches are JGit's, one ref update
 * at a time.
 */
final class SqlRefBatch extends BatchRefUpdate {
  private final SqlRefDatabase refs;

  SqlRefBatch(SqlRefDatabase refs) {
    super(refs);
    this.refs = refs;
  }

  @Override
  public void execute(RevWalk walk, ProgressMonitor monitor, List<String> options) throws IOException {
    if (!isAtomic()) {
      super.execute(walk, monitor, options);
      return;
    }
    if (options != null) {
      setPushOptions(options);
    }
    List<ReceiveCommand> commands = getCommands();
    if (commands.isEmpty()) {
      return;
    }
    if (commands.stream().anyMatch(c -> c.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED)) {
      ReceiveCommand.abort(commands);
      return;
    }
    List<GitRefRows.Change> changes = new ArrayList<>();
    for (ReceiveCommand c : commands) {
      if (c.getType() == ReceiveCommand.Type.UPDATE_NONFASTFORWARD && !isAllowNonFastForwards()) {
        c.setResult(ReceiveCommand.Result.REJECTED_NONFASTFORWARD);
        ReceiveCommand.abort(commands);
        return;
      }
      if (c.getType() == ReceiveCommand.Type.CREATE && refs.isNameConflicting(c.getRefName())) {
        c.setResult(ReceiveCommand.Result.LOCK_FAILURE);
        ReceiveCommand.abort(commands);
        return;
      }
      Ref replacement = null;
      if (c.getType() != ReceiveCommand.Type.DELETE) {
        try {
          replacement = peeled(walk, c.getRefName(), c.getNewId());
        } catch (MissingObjectException e) {
          c.setResult(ReceiveCommand.Result.REJECTED_MISSING_OBJECT);
          ReceiveCommand.abort(commands);
          return;
        }
      }
      ObjectId expected = ObjectId.zeroId().equals(c.getOldId()) ? null : c.getOldId();
      changes.add(new GitRefRows.Change(c.getRefName(), expected, replacement));
    }
    int lost;
    try {
      lost = refs.apply(changes);
    } catch (RuntimeException e) {
      throw new IOException("could not update refs: " + e.getMessage(), e);
    }
    if (lost >= 0) {
      commands.get(lost).setResult(ReceiveCommand.Result.LOCK_FAILURE);
      ReceiveCommand.abort(commands);
      return;
    }
    commands.forEach(c -> c.setResult(ReceiveCommand.Result.OK));
  }

  private static Ref peeled(RevWalk walk, String name, ObjectId id) throws IOException {
    RevObject object = walk.parseAny(id);
    return object instanceof RevTag
        ? new ObjectIdRef.PeeledTag(Ref.Storage.PACKED, name, id.copy(), walk.peel(object).copy())
        : new ObjectIdRef.PeeledNonTag(Ref.Storage.PACKED, name, id.copy());
  }
}
