using Hub.Domain.Configuration;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    private List<ContactList> ReadContacts(MappingReader document)
    {
        var contacts = new List<ContactList>();
        var names = new List<Named>();
        foreach (var (node, path) in document.List("contacts"))
        {
            if (MappingReader.Open(node, path, context, "name", "address", "internal", "members") is not { } item)
            {
                continue;
            }

            string? name = Name(item, names, ConfigurationPatterns.Name(), "contact list");
            string? address = item.Text("address", required: true);
            if (address is not null)
            {
                CheckAddress(new Named(address, item.Value("address", required: false)!, item.PathOf("address")));
            }

            bool? isInternal = item.Boolean("internal");
            IReadOnlyList<Named> members = item.TextList("members");
            foreach (Named member in members)
            {
                CheckAddress(member);
            }

            context.CheckUnique("member", members);
            contacts.Add(new ContactList(name ?? "", address ?? "", isInternal ?? false, [.. members.Select(m => m.Name)]));
        }

        context.CheckUnique("contact list name", names);
        return contacts;
    }
}
