//! List endpoints as streams that follow `paging.next.after`.

use std::collections::HashSet;

use futures_util::stream::{self, Stream, StreamExt};

use super::client::Client;
use super::error::Error;
use super::model::Page;
use super::request::Request;

impl Client {
    /// Every item of a list endpoint, page after page. `request` builds the request for a
    /// cursor (`None` for the first page); the stream ends after the last page or the first
    /// error.
    ///
    /// A cursor seen before ends the stream, so a misbehaving server cannot loop it.
    pub fn paginate<T, F>(&self, request: F) -> impl Stream<Item = Result<T::Item, Error>> + '_
    where
        T: Page + 'static,
        T::Item: 'static,
        F: FnMut(Option<String>) -> Request<T> + 'static,
    {
        let start = Some((request, None::<String>, HashSet::new()));
        stream::unfold(start, move |state| async move {
            let (mut request, cursor, mut seen) = state?;
            match self.send(&request(cursor)).await {
                Ok(page) => {
                    // A cursor seen before would page in a circle.
                    let next = page.next_after().filter(|next| seen.insert(next.clone()));
                    let items = page.into_items();
                    Some((Ok(items), next.map(|next| (request, Some(next), seen))))
                }
                Err(error) => Some((Err(error), None)),
            }
        })
        .flat_map(|page| match page {
            Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
            Err(error) => stream::once(async move { Err(error) }).right_stream(),
        })
    }
}
