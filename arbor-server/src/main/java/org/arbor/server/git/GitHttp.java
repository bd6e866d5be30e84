package org.arbor.server.git;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import org.arbor.core.GitHash;
import org.arbor.service.Accounts;
import org.arbor.service.Caller;
import org.arbor.service.Downloads;
import org.arbor.service.GitTransport;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitFilter;
import org.eclipse.jgit.http.server.resolver.DefaultUploadPackFactory;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * git's smart-HTTP protocol on the same repositories the API serves, through JGit's
 * {@link GitFilter}: clone, fetch (shallow too) and push. {@link GitAuthFilter} decides who may do
 * what; a pre-receive hook holds pushes to the API's rules, atomically; a post-receive hook does
 * what an API commit does after it lands.
 */
public final class GitHttp {
  private static final Logger log = LoggerFactory.getLogger(GitHttp.class);

  private final Accounts accounts;
  private final GitTransport transport;
  private final Downloads downloads;

  public GitHttp(Accounts accounts, GitTransport transport, Downloads downloads) {
    this.accounts = accounts;
    this.transport = transport;
    this.downloads = downloads;
  }

  /** Mounts the auth filter and JGit's filter in front of everything else in {@code context}. */
  public void install(ServletContextHandler context) {
    GitFilter git = new GitFilter();
    git.setRepositoryResolver((request, name) -> opened(request).repository());
    git.setAsIsFileService(null); // no dumb HTTP: every access goes through the smart protocol and its checks
    git.setReceivePackFactory((request, repository) -> receivePack(request, repository));
    git.setUploadPackFactory((request, repository) -> uploadPack(request, repository));
    EnumSet<DispatcherType> requests = EnumSet.of(DispatcherType.REQUEST);
    context.addFilter(new FilterHolder(new GitAuthFilter(accounts, transport)), "/*", requests);
    context.addFilter(new FilterHolder(git), "/*", requests);
  }

  /** A fetch or clone that sent a pack counts as a download of the repository. */
  private UploadPack uploadPack(HttpServletRequest request, org.eclipse.jgit.lib.Repository repository)
      throws ServiceNotAuthorizedException, ServiceNotEnabledException {
    GitTransport.Opened target = authorised(request);
    Caller caller = (Caller) request.getAttribute(GitAuthFilter.CALLER);
    String address = request.getRemoteAddr();
    UploadPack pack = new DefaultUploadPackFactory().create(request, repository); // JGit's, for protocol v2
    pack.setPostUploadHook(stats -> downloads.gitFetched(caller, address, target.type(), target.id()));
    return pack;
  }

  private ReceivePack receivePack(HttpServletRequest request, org.eclipse.jgit.lib.Repository repository)
      throws ServiceNotAuthorizedException {
    GitTransport.Opened target = authorised(request);
    Caller caller = (Caller) request.getAttribute(GitAuthFilter.CALLER);
    ReceivePack pack = new ReceivePack(repository);
    pack.setAtomic(true);
    pack.setAllowCreates(true);
    pack.setAllowDeletes(true);
    pack.setAllowNonFastForwards(true);
    pack.setRefLogIdent(new PersonIdent(caller.name(), caller.name() + "@users.noreply.arbor"));
    pack.setPreReceiveHook((rp, commands) -> check(target, rp, commands));
    pack.setPostReceiveHook((rp, commands) -> landed(target, commands));
    return pack;
  }

  private void check(GitTransport.Opened target, ReceivePack rp, Collection<ReceiveCommand> commands) {
    List<ReceiveCommand> pending = commands.stream()
        .filter(c -> c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED).toList();
    List<String> problems;
    try {
      problems = transport.checkPush(target, changes(pending));
    } catch (IOException | RuntimeException e) {
      log.error("push check failed for {}", target.id(), e);
      problems = List.of("internal error while checking the push");
    }
    if (problems.isEmpty()) {
      return;
    }
    rp.sendMessage("Arbor refused this push:");
    problems.forEach(p -> rp.sendMessage("  " + p));
    for (ReceiveCommand command : pending) {
      command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, problems.get(0));
    }
  }

  private void landed(GitTransport.Opened target, Collection<ReceiveCommand> commands) {
    List<ReceiveCommand> ok = commands.stream().filter(c -> c.getResult() == ReceiveCommand.Result.OK).toList();
    try {
      transport.afterPush(target, changes(ok));
    } catch (IOException | RuntimeException e) {
      log.warn("post-push update failed for {}", target.id(), e);
    }
  }

  private static List<GitTransport.RefChange> changes(List<ReceiveCommand> commands) {
    List<GitTransport.RefChange> out = new ArrayList<>();
    for (ReceiveCommand c : commands) {
      out.add(new GitTransport.RefChange(c.getRefName(), hash(c.getOldId()), hash(c.getNewId())));
    }
    return out;
  }

  private static GitHash hash(ObjectId id) {
    return id == null || ObjectId.zeroId().equals(id) ? null : new GitHash(id.name());
  }

  /** The repository GitAuthFilter opened for this request; there is always one behind the filter. */
  private static GitTransport.Opened authorised(HttpServletRequest request) throws ServiceNotAuthorizedException {
    try {
      return opened(request);
    } catch (RepositoryNotFoundException e) {
      throw new ServiceNotAuthorizedException();
    }
  }

  private static GitTransport.Opened opened(HttpServletRequest request) throws RepositoryNotFoundException {
    Object opened = request.getAttribute(GitAuthFilter.OPENED);
    if (opened == null) {
      throw new RepositoryNotFoundException(request.getRequestURI());
    }
    return (GitTransport.Opened) opened;
  }
}
