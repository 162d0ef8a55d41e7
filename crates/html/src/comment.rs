//! Readers' comments: light markdown (paragraphs, links, emphasis, quotes, lists, code) to HTML
//! that is safe to show, through the one sanitizing policy.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::sanitize::sanitize_reader_html;

/// Renders a comment written in light markdown to sanitized HTML.
///
/// HTML typed into the comment is shown as the text it is, never as markup; images become their
/// description (the site shows no images); headings and HTML blocks become paragraphs; the sanitizer then keeps
/// only http(s) and mailto links, marked `rel="nofollow ugc noopener noreferrer"`.
pub fn render_comment(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Heading { .. } | Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::Heading(_) | TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    sanitize_reader_html(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_markdown_renders() {
        assert_eq!(render_comment("Hello *you*,\n\n> quoted **words**"), {
            "<p>Hello <em>you</em>,</p>\n<blockquote>\n<p>quoted <strong>words</strong></p>\n</blockquote>\n"
        });
        assert_eq!(
            render_comment("See [the report](https://example.org/a?b=1&c=2)."),
            "<p>See <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener noreferrer\">the report</a>.</p>\n"
        );
        assert_eq!(render_comment("# Big\ntext"), "<p>Big</p>\n<p>text</p>\n");
        assert!(render_comment("[mail](mailto:ed@example.org)").contains("href=\"mailto:ed@example.org\""));
    }

    /// Every payload must come out with no element, attribute or link that could run script.
    fn assert_inert(html: &str, payload: &str) {
        let lower = html.to_ascii_lowercase();
        for bad in ["<script", "<svg", "<img", "<iframe", "<object", "<embed", "<style", "<math", "<form", "<input"] {
            assert!(!lower.contains(bad), "{bad} survived {payload:?}: {html}");
        }
        for bad in ["javascript:", "data:", "vbscript:", " on", "style=", "srcdoc"] {
            let in_attr = lower.split('<').skip(1).filter_map(|tag| tag.split('>').next()).any(|tag| tag.contains(bad));
            assert!(!in_attr, "{bad:?} inside a tag from {payload:?}: {html}");
        }
    }

    #[test]
    fn xss_payloads_in_comments_render_inert() {
        let payloads = [
            "<script>window.__xss = 1</script>",
            "<img src=x onerror=\"window.__xss=1\">",
            "<svg onload=window.__xss=1><circle r=1 /></svg>",
            "<a href=\"javascript:window.__xss=1\">click</a>",
            "[click](javascript:window.__xss=1)",
            "[click](JaVaScRiPt:window.__xss=1)",
            "[click](  javascript&#58;window.__xss=1)",
            "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
            "[click](vbscript:msgbox)",
            "<https://x.example/\" onmouseover=\"window.__xss=1>",
            "![x](https://tracker.example/p.png \"onerror=window.__xss=1\")",
            "![x](javascript:window.__xss=1)",
            "[a]: javascript:window.__xss=1\n\n[a]",
            "<p style=\"background:url(javascript:x)\">styled</p>",
            "<iframe srcdoc=\"<script>window.__xss=1</script>\"></iframe>",
            "<<script>script>window.__xss=1<</script>/script>",
            "<scr<script>ipt>window.__xss=1</script>",
            "<div\nonclick=window.__xss=1>broken",
            "\u{FF1C}script\u{FF1E}window.__xss=1\u{FF1C}/script\u{FF1E}",
            "%3Cscript%3Ewindow.__xss=1%3C/script%3E",
            "&lt;script&gt;window.__xss=1&lt;/script&gt;",
            "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
            "`<script>` in code is text\n\n    <img src=x onerror=window.__xss=1>",
            "[x](https://ok.example/\"onmouseover=\"window.__xss=1)",
        ];
        for payload in payloads {
            let html = render_comment(payload);
            assert_inert(&html, payload);
            assert_eq!(sanitize_reader_html(&html), html, "not stable under sanitizing again: {payload:?}");
        }
        // Typed markup is shown as text, so a reader sees what was written.
        assert_eq!(
            render_comment("<script>window.__xss = 1</script>"),
            "<p>&lt;script&gt;window.__xss = 1&lt;/script&gt;</p>\n"
        );
        // Images are never shown: only their description stays.
        assert_eq!(render_comment("![a chart](https://example.org/c.png)"), "<p>a chart</p>\n");
    }

    #[test]
    fn only_web_and_mail_links_survive() {
        for (markdown, kept) in [
            ("[a](https://example.org/)", true),
            ("[a](http://example.org/)", true),
            ("[a](/relative/path)", false),
            ("[a](ftp://example.org/)", false),
            ("[a](data:text/plain,hi)", false),
        ] {
            assert_eq!(render_comment(markdown).contains("href="), kept, "{markdown}");
        }
    }
}
