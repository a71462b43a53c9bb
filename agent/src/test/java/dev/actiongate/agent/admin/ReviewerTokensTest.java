package dev.actiongate.agent.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewerTokensTest {

    @TempDir
    Path dir;

    @Test
    void aTokenNamesItsReviewerAndNothingElseDoes() throws IOException {
        String[] olivia = ReviewerTokens.mint("olivia");
        String[] omar = ReviewerTokens.mint("omar");
        Path file = Files.writeString(dir.resolve("reviewers"), "# owners\n" + olivia[1] + "\n\n" + omar[1] + "\n");
        ReviewerTokens tokens = ReviewerTokens.load(file);
        assertEquals("olivia", tokens.reviewerFor(olivia[0]));
        assertEquals("omar", tokens.reviewerFor(omar[0]));
        assertNull(tokens.reviewerFor("olivia"));
        assertNull(tokens.reviewerFor(olivia[1]), "the digest is not the token");
        assertNull(tokens.reviewerFor(""));
    }

    @Test
    void aChangedFileIsReadAgainAndAnUnreadableOneGrantsNothing() throws IOException {
        String[] olivia = ReviewerTokens.mint("olivia");
        String[] omar = ReviewerTokens.mint("omar");
        Path file = Files.writeString(dir.resolve("reviewers"), olivia[1] + "\n");
        ReviewerTokens tokens = ReviewerTokens.load(file);
        assertNull(tokens.reviewerFor(omar[0]));
        Files.writeString(file, olivia[1] + "\n" + omar[1] + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals("omar", tokens.reviewerFor(omar[0]), "a reviewer added without a restart");
        Files.writeString(file, "olivia not-a-digest\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertNull(tokens.reviewerFor(olivia[0]), "a list that does not read grants nothing");
    }

    @Test
    void aBadLineIsNamedWithItsNumber() throws IOException {
        String[] olivia = ReviewerTokens.mint("olivia");
        Path file = Files.writeString(dir.resolve("reviewers"), olivia[1] + "\nomar\n");
        IOException e = assertThrows(IOException.class, () -> ReviewerTokens.load(file));
        assertTrue(e.getMessage().contains("reviewers:2: expected 'NAME SHA256-HEX-OF-TOKEN'"), e.getMessage());
        Files.writeString(file, olivia[1] + "\n" + olivia[1] + "\n");
        e = assertThrows(IOException.class, () -> ReviewerTokens.load(file));
        assertTrue(e.getMessage().contains("reviewers:2: reviewer 'olivia' is listed twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReviewerTokens.mint("not a name"));
    }
}
