//! The pager: reading every page of a paginated AWS operation.
//!
//! A collector reads a paginated dataset with [`read_pages!`], which
//! fetches each page through [`Ctx::page`](super::context::Ctx::page)
//! (paced by the operation's budget) and keeps what was read before a
//! later page failed:
//!
//! ```ignore
//! read_pages!(ctx, "DescribeThings",
//!     client.describe_things().max_results(1000).into_paginator().send(),
//!     |page| page.things().iter().filter_map(convert),
//!     more: |page| page.next_token())
//! ```

use crate::inventory::AwsError;

/// Reads every page of a paginator into a [`Partial`]:
/// `read_pages!(ctx, "DescribeThings", client.describe_things()...send(),
/// |page| items, more: |page| page.next_token())` fetches each page through
/// [`Ctx::page`](super::context::Ctx::page) (paced by the operation's budget), extends the
/// items with the expression, and keeps what was read before a page
/// failed, with that failure as the dataset's error. `more` names the
/// page's pagination token, so that asking past the last page (which
/// sends nothing) takes no token of the budget.
macro_rules! read_pages {
    ($ctx:expr, $op:expr, $pages:expr, |$page:ident| $items:expr,
     more: |$last:ident| $token:expr $(,)?) => {{
        let mut out = $crate::collect::pager::Partial::default();
        let mut pages = $pages;
        let mut sends = true;
        loop {
            match $ctx.page($op, sends, pages.next()).await {
                Ok(Some($page)) => {
                    sends = {
                        let $last = &$page;
                        $crate::collect::pager::more_pages($token)
                    };
                    out.items.extend($items)
                }
                Ok(None) => break,
                Err(e) => break out.error = Some(e),
            }
        }
        out
    }};
}

/// Whether a page's pagination token asks for another page (the SDK's
/// paginators stop at a missing or empty token too).
pub(crate) fn more_pages(token: Option<&str>) -> bool {
    token.is_some_and(|t| !t.is_empty())
}

/// What a collector read of one dataset: the resources, and why it stopped
/// early if it did (resources read before the failure are kept).
#[derive(Debug)]
pub(crate) struct Partial<T> {
    pub items: Vec<T>,
    pub error: Option<AwsError>,
}

impl<T> Default for Partial<T> {
    fn default() -> Self {
        Partial {
            items: Vec::new(),
            error: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_non_empty_token_asks_for_another_page() {
        assert!(more_pages(Some("eyJuZXh0IjoyfQ==")));
        assert!(!more_pages(Some("")));
        assert!(!more_pages(None));
    }
}
