package org.arbor.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoPathTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "config.json", "a/b/c.bin", "my model.safetensors", "folder with spaces/file name.txt",
      "c++/a+b.txt", "模型/权重.bin", "émoji-🤗.md", ".gitattributes", ".gitignore", "x.git",
      "a/.github/workflow.yml", "...", "a/...b", "-leading-dash", "name~1", "100%.txt"})
  void accepts_ordinary_paths(String value) {
    assertThat(RepoPath.of(value).value()).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../secret", "a/../../b", "a/..", "a/b/../c"})
  void rejects_path_that_climbs(String value) {
    assertBadRequest(value, "'.' and '..' segments are not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "./a", "a/./b", "a/."})
  void rejects_dot_segments(String value) {
    assertBadRequest(value, "'.' and '..' segments are not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "/a", "/"})
  void rejects_absolute_paths(String value) {
    assertBadRequest(value, "absolute paths are not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {".git", ".git/config", "a/.git/hooks/pre-receive", ".GIT/config", "a/.Git", "x/.gIT/y"})
  void rejects_git_segment_in_any_case(String value) {
    assertBadRequest(value, "'.git' is reserved");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "file\n", "a/\tb", "\u001f", "a\u007fb", "a\rb"})
  void rejects_nul_and_control_characters(String value) {
    assertBadRequest(value, "control or NUL character");
  }

  @Test
  void names_the_index_of_the_control_character() {
    assertBadRequest("abc\u0000", "at index 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\\b", "..\\..\\windows", "\\server\\share"})
  void rejects_backslash(String value) {
    assertBadRequest(value, "use '/' as the separator");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a//b", "a/", "dir/sub/"})
  void rejects_empty_segments(String value) {
    assertBadRequest(value, "empty segment");
  }

  @Test
  void rejects_empty_and_null() {
    assertBadRequest("", "empty");
    assertBadRequest(null, "empty");
  }

  @Test
  void accepts_exactly_1024_bytes() {
    String path = segments(1024);

    assertThat(RepoPath.of(path).value()).hasSize(1024);
  }

  @Test
  void rejects_more_than_1024_bytes() {
    assertBadRequest(segments(1025), "longer than 1024 bytes");
  }

  @Test
  void counts_length_in_utf8_bytes_not_characters() {
    // 300 three-byte characters over folders of 50: 900 + 5 slashes bytes is fine, 400 is not.
    assertThat(RepoPath.of(folders("模", 300, 50)).value()).isNotEmpty();
    assertBadRequest(folders("模", 400, 50), "longer than 1024 bytes");
  }

  @Test
  void accepts_a_segment_of_exactly_255_bytes() {
    assertThat(RepoPath.of("dir/" + "a".repeat(255)).fileName()).hasSize(255);
  }

  @Test
  void rejects_a_segment_longer_than_255_bytes() {
    assertBadRequest("dir/" + "a".repeat(256), "a segment is longer than 255 bytes");
    // 86 three-byte characters are 258 bytes though only 86 characters.
    assertBadRequest("模".repeat(86) + "/x", "a segment is longer than 255 bytes");
  }

  @Test
  void file_name_is_the_last_segment() {
    assertThat(RepoPath.of("a/b/c.bin").fileName()).isEqualTo("c.bin");
    assertThat(RepoPath.of("top.txt").fileName()).isEqualTo("top.txt");
  }

  @Test
  void is_under_a_folder_only_at_segment_boundaries() {
    RepoPath file = RepoPath.of("models/v1/weights.bin");

    assertThat(file.isUnder(RepoPath.of("models"))).isTrue();
    assertThat(file.isUnder(RepoPath.of("models/v1"))).isTrue();
    assertThat(file.isUnder(file)).isTrue();
    assertThat(file.isUnder(RepoPath.of("model"))).isFalse();
    assertThat(file.isUnder(RepoPath.of("models/v"))).isFalse();
    assertThat(RepoPath.of("models").isUnder(file)).isFalse();
  }

  /** An ASCII path of exactly {@code bytes} bytes, in segments of at most 200. */
  private static String segments(int bytes) {
    StringBuilder out = new StringBuilder();
    while (out.length() < bytes) {
      if (!out.isEmpty()) {
        out.append('/');
      }
      int room = bytes - out.length();
      out.append("x".repeat(Math.min(200, room)));
    }
    assertThat(out).hasSize(bytes);
    return out.toString();
  }

  private static String folders(String character, int count, int perSegment) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0 && i % perSegment == 0) {
        out.append('/');
      }
      out.append(character);
    }
    return out.toString();
  }

  private static void assertBadRequest(String value, String messagePart) {
    HubException e = catchThrowableOfType(HubException.class, () -> RepoPath.of(value));

    assertThat(e).as("RepoPath.of(%s)", value).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).contains(messagePart);
  }
}
