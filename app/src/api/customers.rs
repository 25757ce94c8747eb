//! Customers: the list, one customer with its story, the new-customer and edit forms.
use super::prelude::*;

/// The customer list's filters, as the page's query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerListParams {
    pub q: Option<String>,
    pub owner_id: Option<i64>,
    pub pool: Option<bool>,
    pub level: Option<String>,
    pub status: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tag: Option<String>,
    pub no_contact_days: Option<i64>,
    pub at_risk: Option<bool>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
}

#[server(prefix = "/sfn", endpoint = "customers")]
// `default`: with no filter the browser sends no field at all (serde_qs leaves out what is
// `None`), and the list is then the whole list, not a "missing field p".
pub async fn list_customers(
    #[server(default)] p: CustomerListParams,
) -> Result<Page<Customer>, AppError> {
    let query = services::customer_list::CustomerQuery {
        q: p.q,
        owner_id: p.owner_id,
        pool: p.pool,
        level: p.level,
        status: p.status,
        industry: p.industry,
        region: p.region,
        tag: p.tag,
        no_contact_days: p.no_contact_days,
        at_risk: p.at_risk,
        sort: p.sort,
        cursor: p.cursor,
        limit: Some(30),
    };
    services::customer_list::list(&app_state()?, &current_viewer()?, query).await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub now: chrono::DateTime<chrono::Utc>,
    pub viewer_id: i64,
    pub viewer_is_rep: bool,
    /// Whether the viewer logs and answers tickets (a "new ticket" link for agents).
    pub can_work_tickets: bool,
    /// Newest first: the start of the customer's timeline.
    pub timeline: Page<TimelineItem>,
    pub deals: Vec<Opportunity>,
    /// Open tasks about this customer that the viewer can see.
    pub tasks: Vec<Task>,
    /// Approved contracts ending within the renewal window: renewals to start.
    pub renewals: Vec<Contract>,
}

#[server(prefix = "/sfn", endpoint = "customer")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    let services::customers::Overview {
        customer,
        contacts,
        timeline,
        tasks,
        deals,
    } = services::customers::overview(&state, &viewer, id).await?;
    let renewals = services::contracts::ending_soon(&state, &viewer, id).await?;
    Ok(CustomerDetail {
        renewals,
        customer,
        contacts,
        now: state.clock.now(),
        viewer_id: viewer.user_id,
        viewer_is_rep: viewer.role == Role::Rep,
        can_work_tickets: crate::domain::scope::can_work_tickets(viewer.role),
        timeline,
        deals,
        tasks,
    })
}

/// The "new customer" form: the company and, optionally, its first contact.
#[server(prefix = "/sfn", endpoint = "create_customer")]
pub async fn create_customer(
    name: String,
    level: String,
    industry: String,
    region: String,
    contact_name: String,
    phone: String,
    email: String,
) -> Result<Customer, AppError> {
    let some = |s: String| (!s.trim().is_empty()).then_some(s);
    let contact = some(contact_name.clone()).map(|n| FirstContact {
        name: n,
        phone: some(phone.clone()),
        email: some(email.clone()),
        title: None,
    });
    if contact.is_none() && (some(phone).is_some() || some(email).is_some()) {
        return Err(AppError::field(
            "contact_name",
            "name the person this phone or email belongs to",
        ));
    }
    let input = NewCustomer {
        name,
        level: some(level),
        industry: some(industry),
        region: some(region),
        contact,
        ..Default::default()
    };
    let customer = services::customers::create(&app_state()?, &current_viewer()?, input).await?;
    leptos_axum::redirect(&format!("/customers/{}", customer.id));
    Ok(customer)
}

/// Edits a customer's profile from the form on its page; `version` guards against
/// overwriting someone else's change (409). Tags are comma-separated.
#[server(prefix = "/sfn", endpoint = "edit_customer")]
pub async fn edit_customer(
    id: i64,
    version: i64,
    name: String,
    level: String,
    status: String,
    industry: String,
    region: String,
    tags: String,
) -> Result<Customer, AppError> {
    let optional = |s: String| Some((!s.trim().is_empty()).then(|| s.trim().to_string()));
    let patch = CustomerPatch {
        version,
        name: Some(name),
        level: Some(level),
        status: Some(status),
        industry: optional(industry),
        region: optional(region),
        tags: Some(
            tags.split([',', ','])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        ..Default::default()
    };
    services::customers::patch(&app_state()?, &current_viewer()?, id, patch).await
}

/// More of a customer's timeline, after the cursor the previous page gave.
#[server(prefix = "/sfn", endpoint = "customer_timeline")]
pub async fn customer_timeline(id: i64, cursor: String) -> Result<Page<TimelineItem>, AppError> {
    let q = services::activities::TimelineQuery {
        limit: Some(20),
        cursor: Some(cursor),
    };
    services::activities::timeline(&app_state()?, &current_viewer()?, id, q).await
}
