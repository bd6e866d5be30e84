package org.arbor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Database URLs as operators write them, turned into JDBC URL, user and password. */
class DatabaseUrlTest {
  @Test
  void a_libpq_url_gives_jdbc_url_user_and_password() {
    assertThat(DatabaseUrl.parse("postgresql://arbor:s3cret@db.internal:5433/hub?sslmode=require"))
        .isEqualTo(new DatabaseUrl("jdbc:postgresql://db.internal:5433/hub?sslmode=require", "arbor", "s3cret"));
    assertThat(DatabaseUrl.parse("postgres://db/hub"))
        .isEqualTo(new DatabaseUrl("jdbc:postgresql://db/hub", null, null));
    assertThat(DatabaseUrl.parse("postgresql://arbor@[::1]:5432/hub"))
        .isEqualTo(new DatabaseUrl("jdbc:postgresql://[::1]:5432/hub", "arbor", null));
  }

  @Test
  void user_and_password_are_percent_decoded_and_plus_stays_plus() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://ar%40bor:p%3Aa%2Fs+s%25@host/hub");

    assertThat(url.user()).isEqualTo("ar@bor");
    assertThat(url.password()).isEqualTo("p:a/s+s%");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://host/hub");
  }

  @Test
  void jdbc_urls_pass_through() {
    assertThat(DatabaseUrl.parse("jdbc:postgresql://h:5432/d?user=u&password=p"))
        .isEqualTo(new DatabaseUrl("jdbc:postgresql://h:5432/d?user=u&password=p", null, null));
    DatabaseUrl sqlite = DatabaseUrl.parse("jdbc:sqlite:/var/lib/arbor/arbor.db");
    assertThat(sqlite.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/arbor/arbor.db");
    assertThat(sqlite.isSqlite()).isTrue();
  }

  @Test
  void the_password_never_shows() {
    assertThat(DatabaseUrl.parse("postgresql://arbor:s3cret@h/d").toString()).doesNotContain("s3cret");
    assertThat(DatabaseUrl.parse("jdbc:postgresql://h/d?password=s3cret").toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://arbor:s3cret@h:99999/d"))
        .hasMessageNotContaining("s3cret").hasMessageContaining("1 to 65535");
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://arbor:s3cret@h/d")).hasMessageNotContaining("s3cret");
  }

  @Test
  void bad_urls_are_refused_with_what_is_wrong() {
    assertThatThrownBy(() -> DatabaseUrl.parse("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("required");
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://h/d")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported database URL");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://h:5432")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no database");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://h:port/d")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///d")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a PostgreSQL URL");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:%zz@h/d")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percent-encoding in the password");
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:sqlite:")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a file");
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql:hub")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql://host");
  }
}
