//! Which items of the runtime's sources are compiled only for tests: what its one-file copy
//! leaves out (`build.rs`, which includes this file too) and what the check of its module
//! order does not count.

/// Whether an item is compiled only for tests: `#[cfg(test)]`, or `#[cfg(all(...))]` with
/// `test` among its conditions.
pub fn for_tests(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Mod(module) => &module.attrs,
        syn::Item::Fn(function) => &function.attrs,
        syn::Item::Use(import) => &import.attrs,
        syn::Item::Impl(block) => &block.attrs,
        syn::Item::Struct(definition) => &definition.attrs,
        syn::Item::Const(constant) => &constant.attrs,
        syn::Item::Enum(definition) => &definition.attrs,
        syn::Item::Static(definition) => &definition.attrs,
        syn::Item::Trait(definition) => &definition.attrs,
        syn::Item::Type(definition) => &definition.attrs,
        syn::Item::Macro(invocation) => &invocation.attrs,
        _ => return false,
    };
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| requires_test(&meta))
    })
}

fn requires_test(meta: &syn::Meta) -> bool {
    match meta {
        syn::Meta::Path(path) => path.is_ident("test"),
        syn::Meta::List(list) if list.path.is_ident("all") => list
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|all| all.iter().any(requires_test)),
        _ => false,
    }
}
