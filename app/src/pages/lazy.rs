//! The pages the browser loads only when they are opened.
//!
//! The build cuts the WebAssembly at each group below (`build_site` in scripts/tools.sh:
//! cargo links with `--emit-relocs`, `tandem-wasm-split` cuts): a group's pages, and the
//! code only they use, sit in files of their own that the browser fetches the first time one
//! of the group's pages is shown, from links the server puts in that page's head when it
//! renders it (so a page opened directly loads its files beside the main one, in
//! parallel). What every signed-in page needs — the frame, live alerts, the outbox — and
//! the rep's Today and the sign-in page stay in the main file: that is what a rep's phone
//! downloads before Today answers a tap.
//!
//! Pages are grouped by who opens them together, not cut one by one: code two groups share
//! goes to a file of its own for that pair, so fourteen separate pages made a hundred
//! small files for the customer page alone; five groups keep a page to a few files.
//!
//! On the server a lazy page renders like any other, and names its group's files.
// `#[lazy]` declares each group's loader as a WebAssembly import (an `unsafe extern` block
// written by the macro); there is no hand-written unsafe code here.
#![allow(unsafe_code)]

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Groups of pages, each loaded as one: `group fn(Page) { Route => Variant: Component, … }`.
macro_rules! page_groups {
    ($(
        $(#[$gdoc:meta])*
        $group:ident, $preload:ident, $pages:ident {
            $($(#[$doc:meta])* $route:ident => $component:path;)*
        }
    )*) => {$(
        $(#[$gdoc])*
        #[derive(Clone, Copy, Debug)]
        pub enum $pages {
            $($route,)*
        }

        $(#[$gdoc])*
        #[lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$route => view! { <$component/> }.into_any(),)*
            }
        }

        $(
            $(#[$doc])*
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $group($pages::$route).await
                }

                async fn preload() {
                    // The loader exists in the browser's build only.
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )*
    )*};
}

page_groups! {
    /// The rep's customers: the list, one customer, a new one.
    customer_pages, __preload_customer_pages, CustomerPages {
        /// The customer list.
        Customers => super::customer_list::CustomersPage;
        /// One customer with contacts, deals, tickets and timeline.
        Customer => super::customers::CustomerPage;
        /// A new customer.
        NewCustomer => super::new_customer::NewCustomerPage;
    }
    /// The rest of selling: leads, the pipeline and a deal, tasks, the alert centre.
    sales_pages, __preload_sales_pages, SalesPages {
        /// Leads.
        Leads => super::leads::LeadsPage;
        /// The pipeline board.
        Pipeline => super::pipeline::PipelinePage;
        /// One deal.
        Deal => super::pipeline::DealPage;
        /// Tasks.
        Tasks => super::tasks::TasksPage;
        /// The alert centre.
        Alerts => super::alerts::AlertsPage;
    }
    /// The service desk: the agent's queue and a ticket.
    desk_pages, __preload_desk_pages, DeskPages {
        /// The agent's ticket queue.
        Queue => super::queue::QueuePage;
        /// One ticket with its conversation.
        Ticket => super::tickets::TicketPage;
    }
    /// The manager's dashboard, the records behind a KPI, the contracts to approve.
    manager_pages, __preload_manager_pages, ManagerPages {
        /// The KPI dashboard.
        Dashboard => super::dashboard::DashboardPage;
        /// The records behind one KPI.
        KpiRecords => super::kpi_records::KpiRecordsPage;
        /// The contracts waiting for approval.
        Approvals => super::approvals::ApprovalsPage;
    }
    /// Administration: users and teams, the company's settings.
    admin_pages, __preload_admin_pages, AdminPages {
        /// Users and teams.
        Admin => super::admin::AdminPage;
        /// The company's settings.
        Settings => super::settings::SettingsPage;
    }
}
