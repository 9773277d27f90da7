//! The events of a webhook delivery: a JSON array of objects, each one change in one HubSpot
//! account, as HubSpot's Webhooks API guide ("Webhook payloads") describes them.
//!
//! Read like the generated models: ids accept the JSON numbers HubSpot sends as well as
//! strings, an unknown subscription type is kept as [`SubscriptionType::Unknown`], and
//! properties this type does not declare, or optional ones of an unexpected shape, are kept
//! in `extra`, so that a new field or event type never loses a delivery.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::super::de::{field, lenient_field, object, string_enum, unknown, Key, Slots};
use super::super::object_id::ObjectId;
use super::super::ser::Object;

/// Reads a delivery's body, once its signature is verified, into its events.
pub fn parse_events(body: &[u8]) -> Result<Vec<WebhookEvent>, serde_json::Error> {
    serde_json::from_slice(body)
}

/// One event of a webhook delivery.
///
/// The six fields HubSpot sends with every event are plain values; the others are sent
/// only for some subscription types (`propertyName` for property changes, `mergedObjectIds`
/// for merges, `fromObjectId` for association changes, ...) and are `None` otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookEvent {
    /// The id of the event. HubSpot does not promise it is unique, and may deliver an event
    /// more than once.
    pub event_id: u64,
    /// The subscription that asked for the event.
    pub subscription_id: u64,
    /// The HubSpot account the event happened in.
    pub portal_id: u64,
    /// The app the subscription belongs to.
    pub app_id: u64,
    /// When the event happened, in Unix milliseconds; events arrive in no particular order.
    pub occurred_at: i64,
    /// Which delivery of the event this is, from 0.
    pub attempt_number: u32,
    /// What happened: `contact.propertyChange`, `object.creation`, ...
    pub subscription_type: Option<SubscriptionType>,
    /// The same under its older name, which the examples in HubSpot's guide still use; see
    /// [`WebhookEvent::kind`].
    pub event_type: Option<SubscriptionType>,
    /// The record created, changed or deleted (for conversations, the thread).
    pub object_id: Option<ObjectId>,
    /// The record's object type (`0-1` for contacts), in `object.*` events.
    pub object_type_id: Option<String>,
    /// The property that changed, in property change events.
    pub property_name: Option<String>,
    /// The property's new value, in property change events.
    pub property_value: Option<String>,
    /// What made the change: `CRM_UI`, `IMPORT`, `API`, `INTEGRATION`, ...
    pub change_source: Option<String>,
    /// What kind of change it was, such as `NEW` or `CREATED` for a creation.
    pub change_flag: Option<String>,
    /// Who or what made the change, such as `userId:45678`.
    pub source_id: Option<String>,
    /// The new message, in `conversation.newMessage` events.
    pub message_id: Option<String>,
    /// `MESSAGE` or `COMMENT`, in `conversation.newMessage` events.
    pub message_type: Option<String>,
    /// The association that changed, such as `CONTACT_TO_COMPANY`.
    pub association_type: Option<String>,
    /// The record the association change was made from.
    pub from_object_id: Option<ObjectId>,
    /// The other record of the association.
    pub to_object_id: Option<ObjectId>,
    /// `true` when the association was removed, `false` when it was made.
    pub association_removed: Option<bool>,
    /// Whether the other record is the primary association of the first.
    pub is_primary_association: Option<bool>,
    /// The record that remains after a merge.
    pub primary_object_id: Option<ObjectId>,
    /// The records merged into it.
    pub merged_object_ids: Option<Vec<ObjectId>>,
    /// The record a merge created, when it created one.
    pub new_object_id: Option<ObjectId>,
    /// How many properties a merge moved.
    pub number_of_properties_moved: Option<u64>,
    /// Properties this type does not declare, and values of optional ones that do not fit
    /// their type, kept so that they survive a round trip.
    pub extra: BTreeMap<String, Value>,
}

impl WebhookEvent {
    /// What happened, under either of the names HubSpot has sent it by.
    pub fn kind(&self) -> Option<&SubscriptionType> {
        self.subscription_type.as_ref().or(self.event_type.as_ref())
    }

    /// When the event happened, if `occurred_at` is a time chrono can hold.
    pub fn occurred_at_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::from_timestamp_millis(self.occurred_at)
    }
}

impl Serialize for WebhookEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = Object::new(serializer)?;
        object.field("eventId", &self.event_id);
        object.field("subscriptionId", &self.subscription_id);
        object.field("portalId", &self.portal_id);
        object.field("appId", &self.app_id);
        object.field("occurredAt", &self.occurred_at);
        object.field("attemptNumber", &self.attempt_number);
        object.optional("subscriptionType", &self.subscription_type);
        object.optional("eventType", &self.event_type);
        object.optional("objectId", &self.object_id);
        object.optional("objectTypeId", &self.object_type_id);
        object.optional("propertyName", &self.property_name);
        object.optional("propertyValue", &self.property_value);
        object.optional("changeSource", &self.change_source);
        object.optional("changeFlag", &self.change_flag);
        object.optional("sourceId", &self.source_id);
        object.optional("messageId", &self.message_id);
        object.optional("messageType", &self.message_type);
        object.optional("associationType", &self.association_type);
        object.optional("fromObjectId", &self.from_object_id);
        object.optional("toObjectId", &self.to_object_id);
        object.optional("associationRemoved", &self.association_removed);
        object.optional("isPrimaryAssociation", &self.is_primary_association);
        object.optional("primaryObjectId", &self.primary_object_id);
        object.optional("mergedObjectIds", &self.merged_object_ids);
        object.optional("newObjectId", &self.new_object_id);
        object.optional("numberOfPropertiesMoved", &self.number_of_properties_moved);
        object.extra(
            &self.extra,
            &[
                ("eventId", true),
                ("subscriptionId", true),
                ("portalId", true),
                ("appId", true),
                ("occurredAt", true),
                ("attemptNumber", true),
                ("subscriptionType", self.subscription_type.is_some()),
                ("eventType", self.event_type.is_some()),
                ("objectId", self.object_id.is_some()),
                ("objectTypeId", self.object_type_id.is_some()),
                ("propertyName", self.property_name.is_some()),
                ("propertyValue", self.property_value.is_some()),
                ("changeSource", self.change_source.is_some()),
                ("changeFlag", self.change_flag.is_some()),
                ("sourceId", self.source_id.is_some()),
                ("messageId", self.message_id.is_some()),
                ("messageType", self.message_type.is_some()),
                ("associationType", self.association_type.is_some()),
                ("fromObjectId", self.from_object_id.is_some()),
                ("toObjectId", self.to_object_id.is_some()),
                ("associationRemoved", self.association_removed.is_some()),
                (
                    "isPrimaryAssociation",
                    self.is_primary_association.is_some(),
                ),
                ("primaryObjectId", self.primary_object_id.is_some()),
                ("mergedObjectIds", self.merged_object_ids.is_some()),
                ("newObjectId", self.new_object_id.is_some()),
                (
                    "numberOfPropertiesMoved",
                    self.number_of_properties_moved.is_some(),
                ),
            ],
        );
        object.end()
    }
}

/// A whole number HubSpot may send as a JSON number or as a string of digits.
struct Number(u64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s
                .parse()
                .ok()
                .filter(|_| s.bytes().all(|b| b.is_ascii_digit())),
            _ => None,
        }
        .map(Number)
        .ok_or_else(|| de::Error::custom("expected a whole number, as a number or a string"))
    }
}

/// A slot of the struct below: `None` until read, then the field's value.
type Slot<T> = Option<Option<T>>;

#[derive(Default)]
struct EventSlots {
    event_id: Option<Number>,
    subscription_id: Option<Number>,
    portal_id: Option<Number>,
    app_id: Option<Number>,
    occurred_at: Option<i64>,
    attempt_number: Option<u32>,
    subscription_type: Slot<SubscriptionType>,
    event_type: Slot<SubscriptionType>,
    object_id: Slot<ObjectId>,
    object_type_id: Slot<String>,
    property_name: Slot<String>,
    property_value: Slot<String>,
    change_source: Slot<String>,
    change_flag: Slot<String>,
    source_id: Slot<String>,
    message_id: Slot<String>,
    message_type: Slot<String>,
    association_type: Slot<String>,
    from_object_id: Slot<ObjectId>,
    to_object_id: Slot<ObjectId>,
    association_removed: Slot<bool>,
    is_primary_association: Slot<bool>,
    primary_object_id: Slot<ObjectId>,
    merged_object_ids: Slot<Vec<ObjectId>>,
    new_object_id: Slot<ObjectId>,
    number_of_properties_moved: Slot<u64>,
    extra: BTreeMap<String, Value>,
}

impl<'de> Slots<'de> for EventSlots {
    type Value = WebhookEvent;
    const EXPECTING: &'static str = "a webhook event object";

    fn read<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        let extra = &mut self.extra;
        match key.as_str() {
            "eventId" => field(&mut self.event_id, map, "eventId"),
            "subscriptionId" => field(&mut self.subscription_id, map, "subscriptionId"),
            "portalId" => field(&mut self.portal_id, map, "portalId"),
            "appId" => field(&mut self.app_id, map, "appId"),
            "occurredAt" => field(&mut self.occurred_at, map, "occurredAt"),
            "attemptNumber" => field(&mut self.attempt_number, map, "attemptNumber"),
            "subscriptionType" => {
                lenient_field(&mut self.subscription_type, extra, map, "subscriptionType")
            }
            "eventType" => lenient_field(&mut self.event_type, extra, map, "eventType"),
            "objectId" => lenient_field(&mut self.object_id, extra, map, "objectId"),
            "objectTypeId" => lenient_field(&mut self.object_type_id, extra, map, "objectTypeId"),
            "propertyName" => lenient_field(&mut self.property_name, extra, map, "propertyName"),
            "propertyValue" => lenient_field(&mut self.property_value, extra, map, "propertyValue"),
            "changeSource" => lenient_field(&mut self.change_source, extra, map, "changeSource"),
            "changeFlag" => lenient_field(&mut self.change_flag, extra, map, "changeFlag"),
            "sourceId" => lenient_field(&mut self.source_id, extra, map, "sourceId"),
            "messageId" => lenient_field(&mut self.message_id, extra, map, "messageId"),
            "messageType" => lenient_field(&mut self.message_type, extra, map, "messageType"),
            "associationType" => {
                lenient_field(&mut self.association_type, extra, map, "associationType")
            }
            "fromObjectId" => lenient_field(&mut self.from_object_id, extra, map, "fromObjectId"),
            "toObjectId" => lenient_field(&mut self.to_object_id, extra, map, "toObjectId"),
            "associationRemoved" => lenient_field(
                &mut self.association_removed,
                extra,
                map,
                "associationRemoved",
            ),
            "isPrimaryAssociation" => lenient_field(
                &mut self.is_primary_association,
                extra,
                map,
                "isPrimaryAssociation",
            ),
            "primaryObjectId" => {
                lenient_field(&mut self.primary_object_id, extra, map, "primaryObjectId")
            }
            "mergedObjectIds" => {
                lenient_field(&mut self.merged_object_ids, extra, map, "mergedObjectIds")
            }
            "newObjectId" => lenient_field(&mut self.new_object_id, extra, map, "newObjectId"),
            "numberOfPropertiesMoved" => lenient_field(
                &mut self.number_of_properties_moved,
                extra,
                map,
                "numberOfPropertiesMoved",
            ),
            _ => unknown(extra, key, map),
        }
    }

    fn finish<E: de::Error>(self) -> Result<WebhookEvent, E> {
        fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
            slot.ok_or_else(|| E::missing_field(name))
        }
        Ok(WebhookEvent {
            event_id: required(self.event_id, "eventId")?.0,
            subscription_id: required(self.subscription_id, "subscriptionId")?.0,
            portal_id: required(self.portal_id, "portalId")?.0,
            app_id: required(self.app_id, "appId")?.0,
            occurred_at: required(self.occurred_at, "occurredAt")?,
            attempt_number: required(self.attempt_number, "attemptNumber")?,
            subscription_type: self.subscription_type.flatten(),
            event_type: self.event_type.flatten(),
            object_id: self.object_id.flatten(),
            object_type_id: self.object_type_id.flatten(),
            property_name: self.property_name.flatten(),
            property_value: self.property_value.flatten(),
            change_source: self.change_source.flatten(),
            change_flag: self.change_flag.flatten(),
            source_id: self.source_id.flatten(),
            message_id: self.message_id.flatten(),
            message_type: self.message_type.flatten(),
            association_type: self.association_type.flatten(),
            from_object_id: self.from_object_id.flatten(),
            to_object_id: self.to_object_id.flatten(),
            association_removed: self.association_removed.flatten(),
            is_primary_association: self.is_primary_association.flatten(),
            primary_object_id: self.primary_object_id.flatten(),
            merged_object_ids: self.merged_object_ids.flatten(),
            new_object_id: self.new_object_id.flatten(),
            number_of_properties_moved: self.number_of_properties_moved.flatten(),
            extra: self.extra,
        })
    }
}

impl<'de> Deserialize<'de> for WebhookEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object::<EventSlots, D>(deserializer)
    }
}

/// Declares [`SubscriptionType`] from its variants and wire names, so the two are written
/// once.
macro_rules! subscription_types {
    ($($variant:ident => $wire:literal,)*) => {
        /// What a webhook event is about: the subscription type HubSpot names it by. HubSpot
        /// adds types; one this crate does not know is kept as [`Unknown`](Self::Unknown).
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SubscriptionType {
            $(
                #[doc = concat!("`", $wire, "`")]
                $variant,
            )*
            /// A type this crate does not know yet, kept exactly as received.
            Unknown(String),
        }

        impl SubscriptionType {
            /// Every type HubSpot's Webhooks API documents.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant,)*];

            /// The type as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for SubscriptionType {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
    };
}

// The `eventType` values of HubSpot's Webhooks API (v3) subscriptions.
subscription_types! {
    CompanyAssociationChange => "company.associationChange",
    CompanyCreation => "company.creation",
    CompanyDeletion => "company.deletion",
    CompanyMerge => "company.merge",
    CompanyPropertyChange => "company.propertyChange",
    CompanyRestore => "company.restore",
    ContactAssociationChange => "contact.associationChange",
    ContactCreation => "contact.creation",
    ContactDeletion => "contact.deletion",
    ContactMerge => "contact.merge",
    ContactPrivacyDeletion => "contact.privacyDeletion",
    ContactPropertyChange => "contact.propertyChange",
    ContactRestore => "contact.restore",
    ConversationCreation => "conversation.creation",
    ConversationDeletion => "conversation.deletion",
    ConversationNewMessage => "conversation.newMessage",
    ConversationPrivacyDeletion => "conversation.privacyDeletion",
    ConversationPropertyChange => "conversation.propertyChange",
    DealAssociationChange => "deal.associationChange",
    DealCreation => "deal.creation",
    DealDeletion => "deal.deletion",
    DealMerge => "deal.merge",
    DealPropertyChange => "deal.propertyChange",
    DealRestore => "deal.restore",
    EventCompleted => "event.completed",
    LineItemAssociationChange => "line_item.associationChange",
    LineItemCreation => "line_item.creation",
    LineItemDeletion => "line_item.deletion",
    LineItemMerge => "line_item.merge",
    LineItemPropertyChange => "line_item.propertyChange",
    LineItemRestore => "line_item.restore",
    ObjectAssociationChange => "object.associationChange",
    ObjectCreation => "object.creation",
    ObjectDeletion => "object.deletion",
    ObjectMerge => "object.merge",
    ObjectPropertyChange => "object.propertyChange",
    ObjectRestore => "object.restore",
    ProductCreation => "product.creation",
    ProductDeletion => "product.deletion",
    ProductMerge => "product.merge",
    ProductPropertyChange => "product.propertyChange",
    ProductRestore => "product.restore",
    TicketAssociationChange => "ticket.associationChange",
    TicketCreation => "ticket.creation",
    TicketDeletion => "ticket.deletion",
    TicketMerge => "ticket.merge",
    TicketPropertyChange => "ticket.propertyChange",
    TicketRestore => "ticket.restore",
}

impl From<String> for SubscriptionType {
    fn from(value: String) -> Self {
        match Self::from(value.as_str()) {
            Self::Unknown(_) => Self::Unknown(value),
            known => known,
        }
    }
}

impl std::str::FromStr for SubscriptionType {
    type Err = std::convert::Infallible;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(value))
    }
}

impl fmt::Display for SubscriptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SubscriptionType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SubscriptionType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        string_enum(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example delivery of HubSpot's Webhooks API guide ("Webhook payloads"), which names
    /// the type `eventType`.
    const GUIDE_EXAMPLE: &str = r#"[
      {
        "objectId": 1246965,
        "propertyName": "lifecyclestage",
        "propertyValue": "subscriber",
        "changeSource": "ACADEMY",
        "eventId": 3816279340,
        "subscriptionId": 25,
        "portalId": 33,
        "appId": 1160452,
        "occurredAt": 1462216307945,
        "eventType": "contact.propertyChange",
        "attemptNumber": 0
      },
      {
        "objectId": 1246978,
        "changeSource": "IMPORT",
        "eventId": 3816279480,
        "subscriptionId": 22,
        "portalId": 33,
        "appId": 1160452,
        "occurredAt": 1462216307945,
        "eventType": "contact.creation",
        "attemptNumber": 0
      }
    ]"#;

    #[test]
    fn hubspots_guide_example_parses() {
        let events = parse_events(GUIDE_EXAMPLE.as_bytes()).unwrap();
        assert_eq!(events.len(), 2);
        let change = &events[0];
        assert_eq!(change.event_id, 3_816_279_340);
        assert_eq!(change.subscription_id, 25);
        assert_eq!(change.portal_id, 33);
        assert_eq!(change.app_id, 1_160_452);
        assert_eq!(change.occurred_at, 1_462_216_307_945);
        assert_eq!(change.attempt_number, 0);
        assert_eq!(
            change.kind(),
            Some(&SubscriptionType::ContactPropertyChange)
        );
        assert_eq!(change.subscription_type, None);
        assert_eq!(change.object_id, Some(ObjectId::new("1246965")));
        assert_eq!(change.property_name.as_deref(), Some("lifecyclestage"));
        assert_eq!(change.property_value.as_deref(), Some("subscriber"));
        assert_eq!(change.change_source.as_deref(), Some("ACADEMY"));
        assert!(change.extra.is_empty(), "{:?}", change.extra);
        assert_eq!(
            change.occurred_at_time().map(|t| t.to_rfc3339()),
            Some("2016-05-02T19:11:47.945+00:00".to_owned())
        );
        let creation = &events[1];
        assert_eq!(creation.kind(), Some(&SubscriptionType::ContactCreation));
        assert_eq!(creation.property_name, None);
        assert_eq!(creation.event_id, 3_816_279_480);
    }

    /// `subscriptionType` and `changeFlag`, as the live API sends them.
    #[test]
    fn the_validation_guide_example_parses() {
        let events = parse_events(VALIDATION_GUIDE_EXAMPLE.as_bytes()).unwrap();
        let event = &events[0];
        assert_eq!(
            event.subscription_type,
            Some(SubscriptionType::ContactCreation)
        );
        assert_eq!(event.change_flag.as_deref(), Some("NEW"));
        assert_eq!(
            event.object_id.as_ref().and_then(ObjectId::as_u64),
            Some(123)
        );
        assert_eq!((event.portal_id, event.app_id), (62_515, 54_321));
    }

    /// The fields HubSpot's guide lists for merges and association changes.
    #[test]
    fn merge_and_association_events_parse() {
        let body = r#"[
          {"eventId": 1, "subscriptionId": 2, "portalId": 3, "appId": 4, "occurredAt": 5,
           "attemptNumber": 1, "subscriptionType": "contact.merge", "objectId": 100,
           "primaryObjectId": 100, "mergedObjectIds": [200, "300"], "newObjectId": 9007199254740993,
           "numberOfPropertiesMoved": 14, "changeSource": "CRM_UI", "sourceId": "userId:45678"},
          {"eventId": 6, "subscriptionId": 7, "portalId": 3, "appId": 4, "occurredAt": 8,
           "attemptNumber": 0, "subscriptionType": "contact.associationChange",
           "associationType": "CONTACT_TO_COMPANY", "fromObjectId": 1246965,
           "toObjectId": "7654321", "associationRemoved": false, "isPrimaryAssociation": true}
        ]"#;
        let events = parse_events(body.as_bytes()).unwrap();
        let merge = &events[0];
        assert_eq!(merge.kind(), Some(&SubscriptionType::ContactMerge));
        assert_eq!(merge.primary_object_id, Some(ObjectId::new("100")));
        assert_eq!(
            merge.merged_object_ids,
            Some(vec![ObjectId::new("200"), ObjectId::new("300")])
        );
        // Past 2^53: kept exactly, not rounded through a float.
        assert_eq!(merge.new_object_id, Some(ObjectId::new("9007199254740993")));
        assert_eq!(merge.number_of_properties_moved, Some(14));
        assert_eq!(merge.source_id.as_deref(), Some("userId:45678"));
        let association = &events[1];
        assert_eq!(
            association.association_type.as_deref(),
            Some("CONTACT_TO_COMPANY")
        );
        assert_eq!(association.from_object_id, Some(ObjectId::new("1246965")));
        assert_eq!(association.to_object_id, Some(ObjectId::new("7654321")));
        assert_eq!(association.association_removed, Some(false));
        assert_eq!(association.is_primary_association, Some(true));
    }

    #[test]
    fn an_unknown_type_and_unknown_fields_are_kept_and_round_trip() {
        let body = r#"[{"eventId":"11","subscriptionId":12,"portalId":13,"appId":14,
          "occurredAt":15,"attemptNumber":2,"subscriptionType":"object.snapshot",
          "objectTypeId":"2-123","objectId":16,"newField":{"nested":[1,2]},
          "associationRemoved":"no","propertyValue":42}]"#;
        let events = parse_events(body.as_bytes()).unwrap();
        let event = &events[0];
        assert_eq!(event.event_id, 11);
        assert_eq!(
            event.subscription_type,
            Some(SubscriptionType::Unknown("object.snapshot".to_owned()))
        );
        assert_eq!(event.object_type_id.as_deref(), Some("2-123"));
        assert_eq!(
            event.extra["newField"],
            serde_json::json!({"nested": [1, 2]})
        );
        // Values of an unexpected shape go to `extra` rather than failing the delivery.
        assert_eq!(event.association_removed, None);
        assert_eq!(event.extra["associationRemoved"], serde_json::json!("no"));
        assert_eq!(event.property_value, None);
        assert_eq!(event.extra["propertyValue"], serde_json::json!(42));

        let written = serde_json::to_value(&events).unwrap();
        assert_eq!(written[0]["subscriptionType"], "object.snapshot");
        assert_eq!(
            written[0]["newField"],
            serde_json::json!({"nested": [1, 2]})
        );
        assert_eq!(written[0]["associationRemoved"], "no");
        assert_eq!(written[0]["propertyValue"], 42);
        assert_eq!(written[0]["eventId"], 11);
        let again: Vec<WebhookEvent> = serde_json::from_value(written).unwrap();
        assert_eq!(&again, &events);
    }

    /// The v1 example body of HubSpot's "Validating requests" guide.
    const VALIDATION_GUIDE_EXAMPLE: &str = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;

    #[test]
    fn every_documented_example_round_trips() {
        for body in [GUIDE_EXAMPLE, VALIDATION_GUIDE_EXAMPLE] {
            let events = parse_events(body.as_bytes()).unwrap();
            let written = serde_json::to_vec(&events).unwrap();
            assert_eq!(parse_events(&written).unwrap(), events);
        }
    }

    #[test]
    fn subscription_types_read_and_write_their_wire_names() {
        for known in SubscriptionType::KNOWN {
            assert_eq!(&SubscriptionType::from(known.as_str()), known);
            assert_eq!(&SubscriptionType::from(known.as_str().to_owned()), known);
            assert!(!matches!(known, SubscriptionType::Unknown(_)));
        }
        assert_eq!(SubscriptionType::KNOWN.len(), 48);
        assert_eq!(
            SubscriptionType::LineItemMerge.to_string(),
            "line_item.merge"
        );
        assert_eq!(
            "deal.newThing".parse::<SubscriptionType>(),
            Ok(SubscriptionType::Unknown("deal.newThing".to_owned()))
        );
    }

    #[test]
    fn what_every_event_carries_is_required() {
        let missing =
            r#"[{"subscriptionId":12,"portalId":13,"appId":14,"occurredAt":15,"attemptNumber":0}]"#;
        let error = parse_events(missing.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("eventId"), "{error}");
        for bad in ["-1", "\"+1\"", "\"\"", "1.5", "null"] {
            let body = format!(
                r#"[{{"eventId":{bad},"subscriptionId":12,"portalId":13,"appId":14,"occurredAt":15,"attemptNumber":0}}]"#
            );
            assert!(parse_events(body.as_bytes()).is_err(), "{bad}");
        }
        let twice = r#"[{"eventId":1,"eventId":2,"subscriptionId":12,"portalId":13,"appId":14,"occurredAt":15,"attemptNumber":0}]"#;
        assert!(parse_events(twice.as_bytes()).is_err());
        for not_a_delivery in ["", "{}", "[1]", "null"] {
            assert!(
                parse_events(not_a_delivery.as_bytes()).is_err(),
                "{not_a_delivery:?}"
            );
        }
        assert_eq!(parse_events(b"[]").unwrap(), vec![]);
    }
}
