//! Traits that generated models implement so the client can page, batch and match results
//! to inputs without knowing the concrete types.

/// A page of a list endpoint: its items and the cursor of the next page.
pub trait Page {
    type Item;

    /// The `after` cursor for the next page; `None` on the last page.
    fn next_after(&self) -> Option<String>;

    fn into_items(self) -> Vec<Self::Item>;
}

/// The body of a successful batch call: per-input results and per-input errors.
pub trait BatchOutput {
    type Item;

    /// Results, and errors as HubSpot sent them (each names its inputs in `context`).
    fn into_parts(self) -> (Vec<Self::Item>, Vec<serde_json::Value>);
}

impl BatchOutput for () {
    type Item = ();

    fn into_parts(self) -> (Vec<()>, Vec<serde_json::Value>) {
        (Vec::new(), Vec::new())
    }
}

impl<T: BatchOutput, P: BatchOutput<Item = T::Item>> BatchOutput for super::Outcome<T, P> {
    type Item = T::Item;

    fn into_parts(self) -> (Vec<T::Item>, Vec<serde_json::Value>) {
        match self {
            super::Outcome::Complete(complete) => complete.into_parts(),
            super::Outcome::Partial(partial) => partial.into_parts(),
        }
    }
}

/// The record ids a value mentions, in field order: how batch inputs are matched to the
/// results and errors that concern them.
pub trait ObjectIds {
    fn object_ids(&self) -> Vec<&str>;

    /// The id of the record this value is about, with the keys under which HubSpot's batch
    /// errors name it in `context`; `None` when the model does not tell. Errors are matched
    /// to inputs by it: an id under any other key (a shared `toObjectId`) says nothing about
    /// which input an error is for.
    fn own_id(&self) -> Option<OwnId<'_>> {
        None
    }
}

/// A value's own record id and the `context` keys that name it (`fromObjectId` for the
/// `from.id` of an association input; `id` for a record id at the top of an input).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnId<'a> {
    pub id: &'a str,
    pub keys: &'static [&'static str],
}

impl ObjectIds for super::ObjectId {
    fn object_ids(&self) -> Vec<&str> {
        vec![self.as_str()]
    }
}

/// A batch result that may hold only the first page of its items (HubSpot's batch read
/// pages each input's associations separately).
pub trait PagedResult {
    /// The cursor of this input's next page, if there is one.
    fn next_after(&self) -> Option<String>;

    /// Appends the items of a later page of the same input.
    fn merge(&mut self, later: Self);
}

/// A batch input that can ask for a later page of its own results.
pub trait ContinueFrom: Sized {
    fn continue_from(&self, after: String) -> Self;
}
