package org.hassette.webconsole.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class EscapingTest {
    @Test
    void htmlEscapesMarkupQuotesAndControlCharacters() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;&#47;script&gt; &amp; &quot;q&quot; ", Html.esc("<script>alert('x')</script> & \"q\"\u0007"));
        assertEquals("", Html.esc(null));
    }

    @Test
    void tableEscapesCellsButKeepsRawFragments() {
        String t = new Html.Table("t", "A<b>", "B").row("<i>x</i>", new Html.Raw("<button>ok</button>")).toString();
        assertTrue(t.contains("<th>A&lt;b&gt;</th>"), t);
        assertTrue(t.contains("<td>&lt;i&gt;x&lt;&#47;i&gt;</td>"), t);
        assertTrue(t.contains("<td><button>ok</button></td>"), t);
        assertEquals("a&lt;&gt;<br>b", Html.lines(List.of("a<>", "b")).html());
    }

    @Test
    void jsonEscapesStringsAndPlacesCommas() {
        String j = new Json().open('{').key("a").value("x\"y\n</script>").key("n").value(3).key("l").open('[').value(true).value(null)
                .close(']').key("o").open('{').close('}').close('}').toString();
        assertEquals("{\"a\":\"x\\\"y\\n\\u003c/script>\",\"n\":3,\"l\":[true,null],\"o\":{}}", j);
    }
}
