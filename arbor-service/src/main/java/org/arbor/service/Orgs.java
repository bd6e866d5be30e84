package org.arbor.service;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.storage.db.OrgRows;
import org.arbor.storage.db.UserRow;
import org.arbor.storage.db.UserRows;

/**
 * Organisations: namespaces owned by a group, whose members have a role each. {@code admin}
 * manages members and repository settings, {@code write} pushes and commits, {@code contributor}
 * opens pull requests, {@code read} sees private repositories.
 */
public final class Orgs {
  public static final Set<String> ROLES = Set.of("admin", "write", "contributor", "read");

  private final OrgRows orgs;
  private final UserRows users;
  private final AuditLog audit;
  private final Clock clock;

  public Orgs(OrgRows orgs, UserRows users, AuditLog audit, Clock clock) {
    this.orgs = orgs;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
  }

  /** A member as listings show them. */
  public record Member(String user, String role) {}

  /** Creates an organisation; its creator becomes its first admin. */
  public void create(Caller caller, String name, String fullname) {
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("You must be authenticated to create an organisation");
    }
    if (!caller.canWrite()) {
      throw HubException.forbidden("A read token cannot create organisations");
    }
    RepoId.checkPart(name, "organisation name");
    if (users.findByName(name).isPresent()) {
      throw HubException.conflict("The name " + name + " belongs to a user");
    }
    OrgRows.OrgRow org = orgs.insert(name, fullname == null || fullname.isBlank() ? name : fullname, clock.instant())
        .orElseThrow(() -> HubException.conflict("Organisation " + name + " already exists"));
    orgs.putMember(org.id(), caller.userId(), "admin", clock.instant());
    audit.record(caller, "org.created", "org:" + name, null);
  }

  /** Adds a member or changes their role; org admins and site admins only. */
  public void putMember(Caller caller, String orgName, String userName, String role) {
    OrgRows.OrgRow org = administered(caller, orgName);
    if (role == null || !ROLES.contains(role)) {
      throw HubException.badRequest("role must be one of admin, write, contributor, read");
    }
    UserRow user = users.findByName(userName == null ? "" : userName)
        .orElseThrow(() -> HubException.entryNotFound("No user named " + userName));
    if (!role.equals("admin")) {
      checkNotLastAdmin(org, user.id());
    }
    orgs.putMember(org.id(), user.id(), role, clock.instant());
    audit.record(caller, "org.member.added", "org:" + org.name(), user.name() + " as " + role);
  }

  public void removeMember(Caller caller, String orgName, String userName) {
    OrgRows.OrgRow org = administered(caller, orgName);
    UserRow user = users.findByName(userName).orElseThrow(() -> HubException.entryNotFound("No user named " + userName));
    checkNotLastAdmin(org, user.id());
    if (!orgs.removeMember(org.id(), user.id())) {
      throw HubException.entryNotFound(userName + " is not a member of " + org.name());
    }
    audit.record(caller, "org.member.removed", "org:" + org.name(), user.name());
  }

  /** Sets the organisation's unsafe-file policy ({@code warn}, {@code block}, or {@code inherit}). */
  public void setScanPolicy(Caller caller, String orgName, String policy) {
    OrgRows.OrgRow org = administered(caller, orgName);
    String value = policy == null || policy.equals("inherit") ? null
        : ScanPolicy.parse(policy).name().toLowerCase(java.util.Locale.ROOT);
    orgs.updateScanPolicy(org.id(), value);
    audit.record(caller, "org.scan_policy", "org:" + org.name(), value == null ? "inherit" : value);
  }

  /** A namespace as its page shows it: a user or an organisation, its name as written and full name. */
  public record Namespace(String name, String fullname, boolean organisation) {}

  /** The user or organisation of that name (any case), if there is one. */
  public Optional<Namespace> namespace(String name) {
    Optional<OrgRows.OrgRow> org = orgs.findByName(name);
    if (org.isPresent()) {
      return Optional.of(new Namespace(org.get().name(), org.get().fullname(), true));
    }
    return users.findByName(name).map(u -> new Namespace(u.name(), u.fullname(), false));
  }

  /** The members of an organisation, for its members and site admins. */
  public List<Member> members(Caller caller, String orgName) {
    OrgRows.OrgRow org = orgs.findByName(orgName).orElseThrow(() -> HubException.entryNotFound("No organisation " + orgName));
    if (!caller.admin() && (caller.isAnonymous() || orgs.role(org.name(), caller.userId()).isEmpty())) {
      throw HubException.entryNotFound("No organisation " + orgName);
    }
    return orgs.members(org.id()).stream().map(m -> new Member(m.userName(), m.role())).toList();
  }

  private OrgRows.OrgRow administered(Caller caller, String orgName) {
    OrgRows.OrgRow org = orgs.findByName(orgName == null ? "" : orgName)
        .orElseThrow(() -> HubException.entryNotFound("No organisation " + orgName));
    if (caller.isAnonymous()) {
      throw HubException.unauthorized("You must be authenticated to manage " + orgName);
    }
    if (!caller.canWrite() || (!caller.admin() && !"admin".equals(orgs.role(org.name(), caller.userId()).orElse(null)))) {
      throw HubException.forbidden("Only an admin of " + org.name() + " can manage its members");
    }
    return org;
  }

  private void checkNotLastAdmin(OrgRows.OrgRow org, String userId) {
    List<OrgRows.MemberRow> admins = orgs.members(org.id()).stream().filter(m -> m.role().equals("admin")).toList();
    if (admins.size() == 1 && admins.get(0).userId().equals(userId)) {
      throw HubException.badRequest(org.name() + " needs at least one admin; add another admin first");
    }
  }
}
