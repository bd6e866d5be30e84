package org.arbor.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoIdTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "alice/tiny", "Alice/Tiny-Model", "a/b", "org_1/model.v2", "alice/bert-base-uncased",
      "ALICE/x_y-z.0", "alice/a.b-c_d"})
  void accepts_ids_the_clients_accept(String id) {
    RepoId repo = RepoId.parse(id);

    assertThat(repo.toString()).isEqualTo(id);
    assertThat(repo.namespace() + "/" + repo.name()).isEqualTo(id);
  }

  @Test
  void splits_namespace_and_name() {
    RepoId repo = RepoId.parse("alice/tiny-model");

    assertThat(repo.namespace()).isEqualTo("alice");
    assertThat(repo.name()).isEqualTo("tiny-model");
  }

  @Test
  void key_lower_cases_both_parts() {
    assertThat(RepoId.parse("Alice/Tiny-Model").key()).isEqualTo("alice/tiny-model");
    assertThat(RepoId.parse("Alice/Tiny").key()).isEqualTo(RepoId.parse("alice/tiny").key());
  }

  @Test
  void key_keeps_the_original_spelling_apart() {
    RepoId upper = RepoId.parse("Alice/Tiny");

    assertThat(upper.toString()).isEqualTo("Alice/Tiny");
    assertThat(upper).isNotEqualTo(RepoId.parse("alice/tiny"));
  }

  @Test
  void rejects_null() {
    assertBadRequest(null, "Missing repo id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny", "/tiny", ""})
  void rejects_missing_namespace(String id) {
    assertBadRequest(id, "namespace/repo_name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice/tiny/extra", "alice//tiny", "a/b/c/d"})
  void rejects_more_than_one_slash(String id) {
    assertBadRequest(id, "namespace/repo_name");
  }

  @Test
  void rejects_missing_name() {
    assertBadRequest("alice/", "Missing repo name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice/tiny--model", "alice--bob/tiny", "alice/a--"})
  void rejects_double_dash(String id) {
    assertThatThrownBy(() -> RepoId.parse(id)).isInstanceOf(HubException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice/tiny..model", "al..ice/tiny", "alice/..", "../tiny"})
  void rejects_double_dot(String id) {
    assertThatThrownBy(() -> RepoId.parse(id)).isInstanceOf(HubException.class);
  }

  @Test
  void double_dash_and_double_dot_are_named_in_the_message() {
    assertBadRequest("alice/tiny--model", "'--' and '..' are forbidden");
    assertBadRequest("alice/tiny..model", "'--' and '..' are forbidden");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "alice/-tiny", "alice/tiny-", "alice/.tiny", "alice/tiny.",
      "-alice/tiny", "alice-/tiny", ".alice/tiny", "alice./tiny"})
  void rejects_leading_or_trailing_dash_or_dot(String id) {
    assertBadRequest(id, "cannot start or end with '-' or '.'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice/tiny.git", "alice/model.GIT.git", "alice.git/tiny"})
  void rejects_git_suffix(String id) {
    assertBadRequest(id, "cannot end with '.git'");
  }

  @Test
  void accepts_git_inside_a_name() {
    assertThat(RepoId.parse("alice/tiny.gitx").name()).isEqualTo("tiny.gitx");
    assertThat(RepoId.parse("alice/git").name()).isEqualTo("git");
  }

  @Test
  void accepts_parts_of_exactly_the_maximum_length() {
    String longest = "a".repeat(RepoId.MAX_PART_LENGTH);

    RepoId repo = RepoId.parse(longest + "/" + longest);

    assertThat(repo.namespace()).hasSize(96);
    assertThat(repo.name()).hasSize(96);
  }

  @Test
  void rejects_parts_longer_than_96_characters() {
    String tooLong = "a".repeat(97);

    assertBadRequest("alice/" + tooLong, "longer than 96 characters");
    assertBadRequest(tooLong + "/tiny", "longer than 96 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "alice/tiny model", "alice/tiny+model", "alice/tiny~1", "alice/tíny", "alice/tiny:main",
      "alice/tiny?x", "alice/tiny#x", "alice/tiny%2f", "alice/ti*ny", "ali ce/tiny", "alice/tiny\\x",
      "alice/tiny\u00A0", "alice/模型"})
  void rejects_illegal_characters(String id) {
    assertBadRequest(id, "only letters, digits, '-', '_' and '.' are allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice/tiny\n", "alice/ti\u0000ny", "alice/tiny\t", "alice/\u007ftiny", "alice/tiny\r"})
  void rejects_control_characters_and_escapes_them_in_the_message(String id) {
    HubException e = catchThrowableOfType(HubException.class, () -> RepoId.parse(id));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).contains("\\x").doesNotContainPattern("[\\x00-\\x1f\\x7f]");
  }

  @Test
  void the_record_constructor_applies_the_same_rules() {
    assertThatThrownBy(() -> new RepoId("alice", "tiny--model")).isInstanceOf(HubException.class);
    assertThatThrownBy(() -> new RepoId("alice", null)).hasMessage("Missing repo name");
    assertThatThrownBy(() -> new RepoId("", "tiny")).hasMessage("Missing namespace");
  }

  private static void assertBadRequest(String id, String messagePart) {
    HubException e = catchThrowableOfType(HubException.class, () -> RepoId.parse(id));

    assertThat(e).as("parse(%s)", id).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).contains(messagePart);
  }
}
